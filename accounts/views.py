from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from interactions.tasks import recompute_users

from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # New circle rhythms change who is due: rework it in the background.
        recompute_users.delay_on_commit([user.pk])
        messages.success(request, "Settings saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_sign_up_with_email_and_password(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "New.Person@Example.com", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert client.get("/").status_code == 200  # signed in straight away


def test_sign_up_refuses_a_taken_email(client, owner):
    response = client.post(
        reverse("account_signup"), {"email": "OWNER@example.com", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"}
    )
    assert response.status_code == 200
    assert User.objects.count() == 1


def test_log_in_and_out(client, owner):
    response = client.post(reverse("account_login"), {"login": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get("/").status_code == 200
    client.post(reverse("account_logout"))
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused(client, owner):
    response = client.post(reverse("account_login"), {"login": "owner@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_lockout_after_repeated_failures_even_with_the_right_password(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": "Owner@example.com", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get("/").status_code == 302  # still signed out


def test_lockout_is_per_account(client, owner, other):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "owner@example.com", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "other@example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_sends_a_working_link(client, owner):
    client.post(reverse("account_reset_password"), {"email": "owner@example.com"})
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/password/reset/key/" in word)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "brand-new-pass-phrase", "password2": "brand-new-pass-phrase"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("brand-new-pass-phrase")


PROFILE = {
    "name": "Olive", "time_zone": "America/Sao_Paulo", "digest_enabled": "on", "digest_hour": "8",
    "nudge_cap": "3", "birthday_lead_days": "10",
    "cadence_inner": "5", "cadence_close": "30", "cadence_friends": "", "cadence_network": "180",
    "cadence_acquaintance": "",
}


def test_profile_saves_time_zone_digest_and_circle_rhythms(owner_client, owner):
    from contacts.models import CircleCadence

    response = owner_client.post(reverse("profile"), PROFILE)
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.time_zone, owner.digest_hour, owner.digest_enabled) == ("America/Sao_Paulo", 8, True)
    assert (owner.nudge_cap, owner.birthday_lead_days) == (3, 10)
    assert CircleCadence.for_owner(owner.pk) == {
        "inner": 5, "close": 30, "friends": None, "network": 180, "acquaintance": None,
    }
    # the form shows what was saved
    assert owner_client.get(reverse("profile")).context["form"]["cadence_inner"].value() == 5


def test_profile_refuses_an_unknown_time_zone(owner_client, owner):
    response = owner_client.post(reverse("profile"), {**PROFILE, "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.time_zone == "UTC"


def test_admin_is_for_staff_only(owner_client):
    response = owner_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

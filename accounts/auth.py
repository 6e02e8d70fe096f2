def axes_username(request, credentials):
    """The login name django-axes counts failures against.

    allauth passes ``email`` to ``authenticate()``; the login form posts it as
    ``login``. Lower-cased so that ``Ana@x`` and ``ana@x`` share one counter.
    """
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    return (value or "").strip().lower()

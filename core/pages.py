"""The one shape of a page that sends a form to a use case, and the plain form page.

    form = SomeForm(request.POST or None)
    done = pages.handle_form(
        request, form,
        lambda: services.some_create(actor=user, **form.cleaned_data),
        success=_("Saved."), to=lambda record: reverse("app:detail", args=[record.pk]),
    )
    return done or pages.form_page(request, form, title=_("New thing"), cancel_url=...)

`handle_form` gives every such page the same behaviour: a create form carries a one-time
key (`core.idempotency.Once`: a double tap or a resend makes one record and is answered as
the first send was); a form the use case refuses (ValidationError) is shown again with
what was typed and each error next to its field; a use case that went through says so
(`success`) and redirects (`to`). The use case is a callable run only after the form is
valid, so it reads `form.cleaned_data` and records its own audit entry, as every service
does."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _

from .forms import apply_errors
from .idempotency import FIELD, Once
from .paging import paginate

R = TypeVar("R")


class ShowAgain(Exception):
    """Raised by a use case given to `handle_form` to record nothing and show the form
    again as it stands: the form already says why (a warning to confirm first)."""


def handle_form(
    request: HttpRequest,
    form: Any,
    use_case: Callable[[], R],
    *,
    to: str | Callable[[R], str | HttpResponse],
    success: str | Callable[[R], str] = "",
    creates: bool = True,
    key_field: str = FIELD,
    refused: Callable[[ValidationError], None] | None = None,
    also_valid: Iterable[Any] = (),
) -> HttpResponse | None:
    """Run `use_case` when `form` (and every form of `also_valid`) was sent valid, and
    answer with the redirect to `to` (a URL or URL name, or a function of what the use
    case returned giving one, or giving the response itself); None when the page must
    show the form (not sent, invalid, or refused: the errors are on the form).

    `creates=False` for a form that edits: saving the same edit twice changes nothing, so
    it carries no one-time key. `refused` replaces putting a refusal on the form's fields
    (`apply_errors`), for forms that answer a refusal their own way. Whatever the use
    case raises rolls its transaction back with the one-time key, so the corrected form
    can be sent again."""
    once = Once(request, form, field=key_field, active=creates)
    if not once.ready():
        return None
    if once.earlier is None and not all(other.is_valid() for other in also_valid):
        return None
    try:
        record = once.run(use_case)
    except ShowAgain:
        return None
    except ValidationError as exc:
        if refused is None:
            apply_errors(form, exc)
        else:
            refused(exc)
        return None
    if success:
        messages.success(request, success(record) if callable(success) else success)
    target = to(record) if callable(to) else to
    return target if isinstance(target, HttpResponse) else redirect(target)


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel_url: str = "",
    submit: str = "",
) -> HttpResponse:
    """A page holding one form: its title, the form (errors next to their fields), the
    button (`submit`, "Save" unless told) and a way back (`cancel_url`)."""
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "submit": submit or _("Save")},
    )


def form_view(
    request: HttpRequest,
    form: Any,
    use_case: Callable[[], R],
    *,
    title: str,
    to: str | Callable[[R], str | HttpResponse],
    back: str = "",
    submit: str = "",
    **handling: Any,
) -> HttpResponse:
    """`handle_form`, and the form page (`form_page`) when the form is to be shown: a
    page holding one form. Cancel leads to `back`, or to `to` when it is a URL or a
    URL name."""
    done = handle_form(request, form, use_case, to=to, **handling)
    if done is not None:
        return done
    cancel_url = back or (resolve_url(to) if isinstance(to, str) else "")
    return form_page(request, form, title=title, cancel_url=cancel_url, submit=submit)


def list_page(
    request: HttpRequest, template: str, items: Any, *, name: str, **context: Any
) -> HttpResponse:
    """A list page: the requested page of `items` (core.paging) as `name` and
    `page_obj` (for the pager), beside `context`."""
    page_obj = paginate(request, items)
    return render(request, template, {name: page_obj.object_list, "page_obj": page_obj, **context})


def act(
    request: HttpRequest, use_case: Callable[[], object], *, success: str, to: str
) -> HttpResponse:
    """A button that runs a use case with nothing to type (POSTed): says it was done
    (`success`), or why it was refused (each message of the ValidationError), and goes
    back to `to`."""
    try:
        use_case()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(to)

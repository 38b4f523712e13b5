"""The lessons learnt register: what investigations taught, and with whom it was shared."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from editing.forms import form_add_service_error
from editing.versions import ConflictError

from .. import selectors, services
from ..forms import LessonFilterForm, LessonForm
from . import KEPT_BELOW, input_kept_after_conflict

LESSONS_PER_PAGE = 25


def lesson_list_view(request: HttpRequest) -> HttpResponse:
    form = LessonFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    lessons = selectors.lesson_list_visible(request.user, status=status)
    page = Paginator(lessons, LESSONS_PER_PAGE).get_page(request.GET.get("page"))
    query = f"status={status}" if status else ""
    return render(request, "outreach/lesson_list.html", {"form": form, "page": page, "query": query})


@require_http_methods(["GET", "POST"])
def lesson_new_view(request: HttpRequest) -> HttpResponse:
    form = LessonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_create(by=request.user, fields=form.changes())
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The lesson is recorded.")
            return redirect("outreach:lesson_list")
    context = {"form": form, "heading": "Record a lesson learnt", "back": "outreach:lesson_list"}
    return render(request, "outreach/simple_form.html", context)


@require_http_methods(["GET", "POST"])
def lesson_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = selectors.lesson_get_visible(request.user, pk)
    form = LessonForm(request.POST or None, instance=lesson, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(lesson=lesson, expected_version=form.cleaned_data["version"], changes=form.changes())
        except ConflictError as error:
            form = input_kept_after_conflict(LessonForm, request, lesson, error, KEPT_BELOW)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The lesson is saved.")
            return redirect("outreach:lesson_list")
    context = {"form": form, "heading": f"Edit lesson: {lesson}", "back": "outreach:lesson_list"}
    return render(request, "outreach/simple_form.html", context)

"""An item's steps in the admin: move its slot (the form behind the
calendar's drag and drop, and the way to move without it), spike it, start
its story. The rules are budget.planning's; these views only ask."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from budget import planning
from budget.admin.calendar import day_url
from budget.forms import MoveForm, SpikeForm
from budget.models import BudgetItem


class ItemStepView(View):
    model_admin = None
    template_name = ""
    form_class = None

    def item(self, request, object_id) -> BudgetItem:
        item = self.model_admin.get_object(request, object_id)
        if item is None:
            raise Http404("No such budget item.")
        if not self.model_admin.has_view_permission(request, item):
            raise PermissionDenied
        return item

    def next_url(self, request, fallback: str) -> str:
        """Back where the person came from (the calendar's day and filters),
        when that is a page of this site."""
        url = request.POST.get("next") or request.GET.get("next", "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
        return fallback

    def render(self, request, item, form, status=200):
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": BudgetItem._meta,
            "original": item,
            "item": item,
            "form": form,
            "title": self.title(item),
            "next": self.next_url(request, ""),
            "calendar_url": day_url(item.slot_date),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class MoveView(ItemStepView):
    template_name = "admin/budget/budgetitem/move.html"

    def title(self, item):
        return f"Move {item.slug_line}"

    def refuse_unless_allowed(self, request, item):
        if not planning.is_planner(request.user):
            raise PermissionDenied

    def get(self, request, object_id):
        item = self.item(request, object_id)
        self.refuse_unless_allowed(request, item)
        form = MoveForm(
            initial={
                "planned_date": item.planned_date,
                "planned_time": item.planned_time,
            }
        )
        return self.render(request, item, form)

    def post(self, request, object_id):
        item = self.item(request, object_id)
        self.refuse_unless_allowed(request, item)
        form = MoveForm(request.POST)
        if form.is_valid():
            try:
                planning.move(
                    item,
                    form.cleaned_data["planned_date"],
                    form.cleaned_data["planned_time"],
                    request.user,
                    comment=form.cleaned_data["comment"],
                )
            except planning.PlanningError as error:
                form.add_error(None, str(error))
            else:
                self.model_admin.log_change(
                    request, item, f"Moved to {item.slot_label}."
                )
                messages.success(request, f"“{item}” moved to {item.slot_label}.")
                return redirect(self.next_url(request, day_url(item.planned_date)))
        return self.render(request, item, form, status=400)


class SpikeView(ItemStepView):
    template_name = "admin/budget/budgetitem/spike.html"

    def title(self, item):
        return f"Spike {item.slug_line}"

    def get(self, request, object_id):
        item = self.item(request, object_id)
        if not planning.is_planner(request.user):
            raise PermissionDenied
        return self.render(request, item, SpikeForm())

    def post(self, request, object_id):
        item = self.item(request, object_id)
        if not planning.is_planner(request.user):
            raise PermissionDenied
        form = SpikeForm(request.POST)
        if form.is_valid():
            try:
                planning.spike(item, request.user, comment=form.cleaned_data["comment"])
            except planning.PlanningError as error:
                form.add_error(None, str(error))
            else:
                self.model_admin.log_change(request, item, "Spiked.")
                messages.success(request, f"“{item}” is spiked.")
                return redirect(self.next_url(request, day_url(item.planned_date)))
        return self.render(request, item, form, status=400)


class StartStoryView(ItemStepView):
    """One press: the item becomes a draft story, and the story opens."""

    http_method_names = ["post"]

    def post(self, request, object_id):
        item = self.item(request, object_id)
        if reason := planning.story_refusal(request.user, item):
            if not (
                planning.is_planner(request.user)
                or item.assignees.filter(pk=request.user.pk).exists()
            ):
                raise PermissionDenied(reason)
            messages.error(request, reason)
            return redirect(reverse("admin:budget_budgetitem_change", args=[item.pk]))
        try:
            story = planning.start_story(item, request.user)
        except planning.PlanningError as error:
            messages.error(request, str(error))
            return redirect(reverse("admin:budget_budgetitem_change", args=[item.pk]))
        self.model_admin.log_change(request, item, "Story started.")
        messages.success(
            request,
            f"“{item}” is now a draft story: write it here. The budget shows its "
            "state from now on.",
        )
        return redirect(reverse("admin:articles_article_change", args=[story.pk]))

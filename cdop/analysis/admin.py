"""The Analysis Form's reference lists, to read. A published version is never edited: a new
national list is a new version file and a data migration (cdop/analysis/reference/)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cdop.analysis.models import AnalysisFormVersion, CategoryOfDeath, FactorDomain


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AnalysisFormVersion)
class AnalysisFormVersionAdmin(ReadOnly):
    list_display = ["version", "title", "introduced_on"]


@admin.register(CategoryOfDeath)
class CategoryOfDeathAdmin(ReadOnly):
    list_display = ["form_version", "position", "name", "requires_unexpected"]
    list_filter = ["form_version"]


@admin.register(FactorDomain)
class FactorDomainAdmin(ReadOnly):
    list_display = ["form_version", "position", "name"]
    list_filter = ["form_version"]

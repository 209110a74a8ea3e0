from __future__ import annotations

from django.contrib import admin

from cdop.areas.models import Area, LocalAuthority


class LocalAuthorityInline(admin.TabularInline[LocalAuthority, Area]):
    model = LocalAuthority
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ["name", "slug", "code", "is_active"]
    inlines = [LocalAuthorityInline]

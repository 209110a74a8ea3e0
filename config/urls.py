from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from cdop.core import views as core_views

# The admin's own sign-in form would skip the second factor: send it through allauth's.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Child death review: technical administration"

urlpatterns = [
    path("", core_views.public_home, name="public_home"),
    # govuk-frontend's compiled CSS asks for its fonts and images under /assets/.
    path(
        "assets/<path:path>",
        RedirectView.as_view(url="/static/govuk/assets/%(path)s", permanent=True),
    ),
    path("accounts/", include("allauth.urls")),
    path("staff/account/", include("cdop.accounts.urls")),
    path("staff/", include("cdop.core.urls")),
    path("staff/notifications/", include("cdop.notifications.urls")),
    # Each step's pages about one case live under the case.
    path("staff/cases/<str:reference>/chronology/", include("cdop.chronology.urls")),
    path("staff/cases/<str:reference>/documents/", include("cdop.documents.urls")),
    path("staff/cases/<str:reference>/family/", include("cdop.family.urls")),
    path("staff/cases/<str:reference>/events/", include("cdop.investigations.urls")),
    path("staff/cases/<str:reference>/safeguarding/", include("cdop.safeguarding.urls")),
    path("staff/cases/<str:reference>/forms/", include("cdop.agencyforms.urls")),
    path("staff/cases/<str:reference>/family-voice/", include("cdop.familyvoice.urls")),
    path("staff/cases/<str:reference>/meetings/", include("cdop.meetings.case_urls")),
    path("staff/cases/<str:reference>/analysis/", include("cdop.analysis.urls")),
    path("staff/cases/<str:reference>/actions/", include("cdop.actions.case_urls")),
    path("staff/cases/<str:reference>/ncmd/", include("cdop.ncmd.case_urls")),
    path("staff/cases/<str:reference>/learning/", include("cdop.learning.case_urls")),
    path("staff/cases/<str:reference>/data-quality/", include("cdop.dataquality.case_urls")),
    path("staff/cases/", include("cdop.cases.urls")),
    path("staff/work/", include("cdop.work.urls")),
    path("staff/agencies/", include("cdop.agencies.urls")),
    path("staff/reporting-forms/", include("cdop.agencyforms.area_urls")),
    path("staff/form-definitions/", include("cdop.formdefs.urls")),
    path("staff/clocks/", include("cdop.clocks.urls")),
    path(
        "staff/meetings/<int:meeting_id>/items/<int:item_id>/analysis/",
        include("cdop.analysis.meeting_urls"),
    ),
    path(
        "staff/meetings/<int:meeting_id>/items/<int:item_id>/actions/",
        include("cdop.actions.meeting_urls"),
    ),
    path("staff/meetings/", include("cdop.meetings.urls")),
    path("staff/papers/", include("cdop.papers.urls")),
    path("staff/actions/", include("cdop.actions.urls")),
    path("staff/ncmd/", include("cdop.ncmd.urls")),
    path("staff/statistics/", include("cdop.reporting.urls")),
    path("staff/learning/", include("cdop.learning.urls")),
    path("staff/surveillance/", include("cdop.surveillance.urls")),
    path("staff/data-quality/", include("cdop.dataquality.urls")),
    path("staff/audit/", include("cdop.audit.urls")),
    path("staff/retention/", include("cdop.retention.urls")),
    path("staff/transfers/", include("cdop.transfers.urls")),
    path("transfer-pack/", include("cdop.transfers.public_urls")),
    path("staff/letter-templates/", include("cdop.family.staff_urls")),
    path("staff/", include("cdop.areas.staff_urls")),
    path("admin/", admin.site.urls),
    path("staff/api-clients/", include("cdop.api.staff_urls")),
    path("api/", include("cdop.api.urls")),
    # Pages for people without an account, opened by a secure link.
    path("link/", include("cdop.securelinks.urls")),
    path("reporting-form/", include("cdop.agencyforms.respond_urls")),
    path("your-words/", include("cdop.familyvoice.public_urls")),
    # Public pages last: /<area>/... would otherwise shadow the paths above.
    path("", include("cdop.notifications.public_urls")),
    path("", include("cdop.learning.public_urls")),
    path("", include("cdop.areas.urls")),
]

handler400 = "cdop.core.views.bad_request"
handler403 = "cdop.core.views.permission_denied"
handler404 = "cdop.core.views.page_not_found"
handler500 = "cdop.core.views.server_error"

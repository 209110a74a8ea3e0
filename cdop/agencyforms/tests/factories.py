from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cdop.agencies.tests.factories import AgencyContactFactory
from cdop.agencyforms.models import FormRequest
from cdop.formdefs.models import FormDefinition

SCHEMA = {
    "sections": [
        {
            "id": "involvement",
            "title": "Your involvement",
            "questions": [
                {"id": "known_since", "label": "Known since", "type": "text", "required": True}
            ],
        }
    ]
}


class FormDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormDefinition

    code = factory.Sequence(lambda n: f"test-form-{n}")
    version = 1
    kind = FormDefinition.Kind.CORE
    title = factory.Sequence(lambda n: f"Test form {n}")
    schema = SCHEMA
    published_at = factory.LazyFunction(timezone.now)


class FormRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormRequest

    case = factory.SubFactory("cdop.core.tests.factories.CaseFactory")
    contact = factory.SubFactory(
        AgencyContactFactory, organisation__area=factory.SelfAttribute("...case.area")
    )
    organisation = factory.LazyAttribute(lambda o: o.contact.organisation)
    requested_at = factory.LazyFunction(timezone.now)
    requested_by = factory.SubFactory("cdop.core.tests.factories.UserFactory")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=28))

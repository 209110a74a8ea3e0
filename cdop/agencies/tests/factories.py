from __future__ import annotations

import factory

from cdop.agencies.models import AgencyContact, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    area = factory.SubFactory("cdop.core.tests.factories.AreaFactory")
    name = factory.Sequence(lambda n: f"Synthetic Organisation {n}")
    kind = Organisation.Kind.HEALTH_TRUST


class AgencyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyContact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    job_title = "Safeguarding lead"
    email = factory.Sequence(lambda n: f"contact{n}@agency.invalid")

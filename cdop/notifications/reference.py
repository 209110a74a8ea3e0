"""Reference lists of the national Notification Form (domain.md §5).

Kept as data in one place: when NCMD changes a list, this file and a data migration change,
not the code that uses them.
"""

from __future__ import annotations

from django.db import models


class Ethnicity(models.TextChoices):
    """The 18 England and Wales census 2021 categories, plus not known."""

    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY = "white_gypsy", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    MIXED_WHITE_CARIBBEAN = "mixed_white_caribbean", "Mixed: White and Black Caribbean"
    MIXED_WHITE_AFRICAN = "mixed_white_african", "Mixed: White and Black African"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed: White and Asian"
    MIXED_OTHER = "mixed_other", "Mixed: any other Mixed or multiple ethnic background"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "black_other", "Black, Black British, Caribbean or African: any other background"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: any other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


class NhsNumberStatus(models.TextChoices):
    GIVEN = "given", "NHS number given"
    NOT_RESIDENT_ENGLAND = "not_resident_england", "Child not resident in England"
    NOT_AVAILABLE = "not_available", "NHS number not currently available"


class PlaceOfDeath(models.TextChoices):
    HOME = "home", "The child's home"
    OTHER_HOME = "other_home", "Another private home"
    HOSPITAL_ED = "hospital_ed", "Hospital: emergency department"
    HOSPITAL_WARD = "hospital_ward", "Hospital: ward"
    HOSPITAL_ICU = "hospital_icu", "Hospital: paediatric intensive care unit"
    NEONATAL_UNIT = "neonatal_unit", "Hospital: neonatal unit"
    DELIVERY_SUITE = "delivery_suite", "Hospital: delivery suite or labour ward"
    HOSPICE = "hospice", "Hospice"
    PUBLIC_PLACE = "public_place", "Public place (for example a road, park or water)"
    SCHOOL = "school", "School or nursery"
    IN_TRANSIT = "in_transit", "In transit (for example an ambulance)"
    OTHER = "other", "Somewhere else"
    NOT_KNOWN = "not_known", "Not known"


class YesNoNotKnown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class ResidenceStatus(models.TextChoices):
    """Where the child normally lived, as decided from the postcode or by a person."""

    THIS_AREA = "this_area", "Resident in this area"
    OTHER_AREA = "other_area", "Resident in another English area"
    NOT_ENGLAND = "not_england", "Not resident in England"
    UNKNOWN = "unknown", "Not known: a person decides"

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_admin_sign_in_form_sends_people_to_the_sign_in_with_a_second_factor(ada):
    ada.is_staff = True
    ada.save()

    response = Client().post("/admin/login/", {"username": ada.email, "password": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_signed_in_user_who_is_not_technical_staff_cannot_open_the_admin(alice, client_for):
    response = client_for(alice).get("/admin/", follow=True)

    assert response.status_code == 403
    assert b"You cannot do that" in response.content

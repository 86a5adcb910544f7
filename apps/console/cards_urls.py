from django.urls import path

from apps.console import cards_views

urlpatterns = [
    path("members/<uuid:member_pk>/cards/reissue/", cards_views.cards_reissue, name="cards-reissue"),
    path(
        "members/<uuid:member_pk>/cards/<uuid:document_pk>/<str:side>.png",
        cards_views.cards_image,
        name="cards-image",
    ),
    path(
        "members/<uuid:member_pk>/cards/<uuid:document_pk>/card.pdf", cards_views.cards_pdf, name="cards-pdf"
    ),
]

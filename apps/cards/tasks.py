from apps.cards import services
from apps.core.tasks import memberhub_task


@memberhub_task(name="cards.reissue_scan", soft_time_limit=3000, time_limit=3600)
def reissue_scan_task() -> None:
    services.id_card_reissue_scan()

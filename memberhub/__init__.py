"""memberhub domain core: plain typed Python, no Django, DRF or Celery."""

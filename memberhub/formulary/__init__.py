"""Pure formulary domain: readers for CMS Part D public files, the Medi-Cal Rx Contract Drugs
List CSV and RxNorm RRF; unified coverage, payer, LIS cost and alternatives rules; name matching.

No Django, DRF or Celery imports here (import-linter enforces it).
"""

"""Settings for the benefits area: what each dual status means for cost sharing.

These are program facts tagged [U] in DOMAIN.md §10.4 ("QMB protection: providers may not bill QMB
members for Medicare cost sharing; Medi-Cal pays crossover"): confirm them yearly with compliance and
change them here, not in code. Read by apps.benefits.selectors.benefit_policy() through
memberhub.benefits.rules.cost_sharing_policy_from_config(), which refuses a malformed mapping.

Keys of `dual_status_rules` are apps.members.models.DualStatus values. Flags:
- full_medi_cal: the member has full-scope Medi-Cal, so the Medi-Cal plan's benefits and the Medi-Cal
  carve-outs (Medi-Cal Dental, county mental health and drug programs, IHSS, Medi-Cal Rx) apply.
- medicare_cost_sharing_paid: Medi-Cal pays the member's Medicare Part A/B cost sharing (QMB and full
  duals), so the member pays $0 for Medicare-covered services. Part D drug copays are NOT covered by
  this (Extra Help / LIS applies instead).
- supplemental_cost_sharing_paid: Medi-Cal also pays what the D-SNP charges for a supplemental benefit
  when Medi-Cal covers the same service. Off by default (conservative: shows the plan's charge).
- medi_cal_services_free: a Medi-Cal carve-out service (Medi-Cal Dental, county programs, IHSS, Medi-Cal Rx)
  costs the member $0 unless its catalog entry states a cost; otherwise the answer says "ask them what you pay"
  (members with a Medi-Cal share of cost may pay).
"""

BENEFITS_COST_SHARING = {
    "dual_status_rules": {
        "full_benefit": {
            "label": "Full-benefit dual (QMB+, SLMB+, other full)",
            "full_medi_cal": True,
            "medicare_cost_sharing_paid": True,
            "supplemental_cost_sharing_paid": False,
            "medi_cal_services_free": True,
        },
        "qmb_only": {
            "label": "QMB only",
            "full_medi_cal": False,
            "medicare_cost_sharing_paid": True,
        },
        "slmb_only": {
            "label": "SLMB only (Medi-Cal pays the Part B premium only)",
            "full_medi_cal": False,
            "medicare_cost_sharing_paid": False,
        },
        "qi": {
            "label": "QI (Medi-Cal pays the Part B premium only)",
            "full_medi_cal": False,
            "medicare_cost_sharing_paid": False,
        },
        "qdwi": {
            "label": "QDWI (Medi-Cal pays the Part A premium only)",
            "full_medi_cal": False,
            "medicare_cost_sharing_paid": False,
        },
        "none": {
            "label": "No Medi-Cal help on file",
            "full_medi_cal": False,
            "medicare_cost_sharing_paid": False,
        },
    },
    # A member whose status is missing or not listed above: promise nothing.
    "unknown_status_rule": {
        "label": "Dual status unknown",
        "full_medi_cal": False,
        "medicare_cost_sharing_paid": False,
    },
    # The public benefits page (no member) answers for a full-benefit dual: Medi-Medi Plans enroll
    # members with full Medi-Cal (exclusively aligned enrollment).
    "public_dual_status": "full_benefit",
}

# Where `manage.py load_benefits_demo` / apps.benefits.demo finds the sample catalogs.
BENEFITS_DEMO_CATALOG_DIR = "config/benefits"

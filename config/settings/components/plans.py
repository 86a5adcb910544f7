"""Plans and members: demo and identifier configuration."""

from config.env import env

# The unified member id printed on cards: prefix + zero-padded sequence.
MEMBERHUB_MEMBER_ID_PREFIX = env("MEMBERHUB_MEMBER_ID_PREFIX", default="MH")
# Strict CIN rule (leading 9) is [U] in DOMAIN.md §6.3: off by default.
MEMBERHUB_STRICT_CIN = env.bool("MEMBERHUB_STRICT_CIN", default=False)

"""The demo company's fixed world: touchpoints, personas, agents, products, planted problems.

Everything here is data, so a reader sees the whole company at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxkit.schema import CHANNELS, STAGES

__all__ = [
    "AGENTS",
    "CATEGORIES",
    "END",
    "PAIN_TOUCHPOINT",
    "PERSONAS",
    "SLOW_AGENT",
    "SPIKE_DATE",
    "START",
    "TOUCHPOINTS",
    "Persona",
]

START = np.datetime64("2025-01-01T00:00:00", "s")
END = np.datetime64("2026-01-01T00:00:00", "s")

#: (touchpoint, channel, stage, owning team)
TOUCHPOINTS: tuple[tuple[str, str, str, str], ...] = (
    ("search_ad", "web", "research", "marketing"),
    ("social_ad", "social", "research", "marketing"),
    ("newsletter", "email", "research", "crm"),
    ("store_window", "store", "research", "retail"),
    ("review_site", "web", "research", "marketing"),
    ("product_page", "web", "evaluation", "ecommerce"),
    ("app_browse", "app", "evaluation", "mobile"),
    ("compare_tool", "web", "evaluation", "ecommerce"),
    ("presales_chat", "chat", "evaluation", "sales"),
    ("store_demo", "store", "evaluation", "retail"),
    ("sales_call", "phone", "evaluation", "sales"),
    ("web_checkout", "web", "purchase", "ecommerce"),
    ("app_checkout", "app", "purchase", "mobile"),
    ("store_checkout", "store", "purchase", "retail"),
    ("phone_order", "phone", "purchase", "sales"),
    ("order_confirmation", "email", "post_purchase", "crm"),
    ("delivery_tracking", "app", "post_purchase", "logistics"),
    ("returns_portal", "web", "post_purchase", "logistics"),
    ("support_chat", "chat", "post_purchase", "customer_service"),
    ("support_phone", "phone", "post_purchase", "customer_service"),
    ("support_email", "email", "post_purchase", "customer_service"),
    ("store_pickup", "store", "post_purchase", "retail"),
    ("loyalty_app", "app", "repeat_purchase", "crm"),
    ("reorder_email", "email", "repeat_purchase", "crm"),
    ("community_forum", "social", "repeat_purchase", "community"),
)
TP_NAMES = np.array([t[0] for t in TOUCHPOINTS])
TP_CHANNEL = np.array([CHANNELS.index(t[1]) for t in TOUCHPOINTS])
TP_STAGE = np.array([STAGES.index(t[2]) for t in TOUCHPOINTS])
TP = {name: i for i, name in enumerate(TP_NAMES)}

#: The planted pain point: a share of visits are late deliveries that hurt.
PAIN_TOUCHPOINT = "delivery_tracking"
PAIN_THEME = "late delivery"
PAIN_BAD_SHARE = 0.5
SLOW_AGENT = "A07"
SPIKE_DATE = np.datetime64("2025-09-16", "D")
SPIKE_THEME = "app crashes"

CATEGORIES = ("electronics", "home", "fashion", "beauty", "sports", "books", "toys", "grocery")


@dataclass(frozen=True)
class Persona:
    """A hidden kind of customer: how they shop, spend, feel and leave."""

    name: str
    weight: float
    #: Affinity per channel, in `CHANNELS` order: web, app, email, phone, chat, store, social.
    channels: tuple[float, ...]
    #: Chance per evaluation step of moving on to purchase.
    convert: float
    #: Mean purchases per year while active.
    rate: float
    #: Mean chance of dropping out after each purchase.
    dropout: float
    #: Mean order value.
    spend: float
    #: Shift of satisfaction, in points of a 0-10 scale.
    mood: float
    #: Relative chance of posting on social media.
    social: float
    #: Category preferences, in `CATEGORIES` order.
    categories: tuple[float, ...]
    #: Probability of each visible loyalty tier: standard, plus, premium.
    tiers: tuple[float, float, float]


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "digital_loyalist",
        0.26,
        (0.5, 8.0, 0.5, 0.1, 0.3, 0.1, 0.2),
        0.45,
        9.0,
        0.06,
        45.0,
        0.8,
        1.0,
        (2, 1, 1, 1, 6, 3, 1, 1),
        (0.4, 0.5, 0.1),
    ),
    Persona(
        "bargain_hunter",
        0.21,
        (6.0, 0.5, 3.0, 0.2, 0.3, 0.2, 0.5),
        0.30,
        4.0,
        0.28,
        22.0,
        -0.6,
        1.0,
        (1, 1, 2, 2, 1, 1, 3, 6),
        (0.8, 0.18, 0.02),
    ),
    Persona(
        "store_traditionalist",
        0.20,
        (0.3, 0.1, 0.5, 3.0, 0.2, 6.0, 0.05),
        0.40,
        2.5,
        0.10,
        130.0,
        0.4,
        0.2,
        (1, 5, 1, 1, 1, 5, 1, 2),
        (0.4, 0.4, 0.2),
    ),
    Persona(
        "social_newcomer",
        0.18,
        (0.8, 1.0, 0.3, 0.1, 0.5, 0.2, 6.0),
        0.35,
        2.0,
        0.45,
        35.0,
        -0.8,
        4.0,
        (1, 1, 6, 4, 2, 1, 1, 1),
        (0.85, 0.14, 0.01),
    ),
    Persona(
        "premium_omnichannel",
        0.15,
        (2.0, 2.0, 1.5, 1.5, 4.0, 2.0, 0.8),
        0.50,
        6.0,
        0.09,
        160.0,
        0.3,
        1.5,
        (6, 5, 2, 1, 1, 1, 1, 1),
        (0.1, 0.3, 0.6),
    ),
)

#: Support agents: (agent id, team channel, speed multiplier); A07 is the planted slow one.
AGENTS: tuple[tuple[str, str, float], ...] = tuple(
    (f"A{i:02d}", ("chat", "phone", "email")[i % 3], 4.0 if f"A{i:02d}" == SLOW_AGENT else 1.0)
    for i in range(1, 25)
)

FIRST_NAMES = (
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "Lucas",
    "Mia",
    "Mateo",
    "Amelia",
    "Leo",
    "Isla",
    "Hugo",
    "Zoe",
    "Omar",
    "Aisha",
    "Yuki",
    "Chen",
    "Priya",
    "Arjun",
    "Fatima",
    "Diego",
    "Lucia",
    "Jonas",
    "Freya",
    "Mateus",
    "Ana",
    "Kofi",
    "Amara",
    "Sven",
    "Ingrid",
    "Marco",
    "Giulia",
    "Pierre",
    "Chloe",
    "Tom",
    "Sara",
    "Nina",
    "Ravi",
    "Mei",
    "Ines",
    "Pablo",
    "Lea",
    "Max",
    "Julia",
    "Oscar",
    "Ella",
    "Ali",
    "Hana",
)
LAST_NAMES = (
    "Smith",
    "Jones",
    "Garcia",
    "Muller",
    "Rossi",
    "Martin",
    "Silva",
    "Kim",
    "Nguyen",
    "Patel",
    "Khan",
    "Cohen",
    "Novak",
    "Larsen",
    "Dubois",
    "Schmidt",
    "Lopez",
    "Brown",
    "Wilson",
    "Tanaka",
    "Okafor",
    "Mensah",
    "Hansen",
    "Berg",
    "Costa",
    "Moreau",
    "Fischer",
    "Romano",
    "Ivanova",
    "Santos",
    "Walsh",
    "Murphy",
    "Kowalski",
    "Jansen",
    "Weber",
    "Lindqvist",
    "Haddad",
    "Ortiz",
    "Reyes",
    "Bauer",
)
COUNTRIES = ("US", "GB", "DE", "FR", "ES", "NL", "SE")
COUNTRY_WEIGHTS = (0.35, 0.18, 0.15, 0.1, 0.08, 0.08, 0.06)

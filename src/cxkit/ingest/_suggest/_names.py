"""The other names exports give canonical columns and vocabulary values, declared as data.

Headers and values are compared without case, spaces or punctuation (`_norm`); the
normalised tables `_SYNONYMS` and `_ALIASES` are what matching looks names up in.
"""

from __future__ import annotations

import re

#: Other names exports give a canonical column; compared without case, spaces or punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer", "customer number", "customer no", "cust id", "client id", "client",
                    "user id", "user", "account id", "member id", "contact id", "buyer id", "id",
                    "email", "customer email", "case concept name", "customer unique id",
                    "unique id", "uid", "uuid"),
    "ts": ("date", "timestamp", "time", "datetime", "date time", "created", "created at",
           "invoice date", "order date", "purchase date", "order purchase timestamp",
           "transaction date", "event time", "event timestamp", "time timestamp", "occurred at",
           "submitted at", "submit date", "response date", "review date", "posted at"),
    "amount": ("total", "price", "revenue", "sales", "value", "order value", "order total",
               "total amount", "grand total", "subtotal", "amount paid", "payment value",
               "dollar value", "total price", "net amount", "gross amount", "spend"),
    "order_id": ("order", "order number", "order no", "invoice", "invoice no", "invoice number",
                 "transaction id", "receipt id", "purchase id", "id"),
    "event_id": ("event", "hit id", "event uuid", "id"),
    "touchpoint": ("activity", "concept name", "page", "page name", "event name", "action", "step",
                   "screen", "event type"),
    "session_id": ("session", "visit id", "ga session id"),
    "properties": ("params", "event params", "metadata"),
    "channel": ("medium", "via", "via channel", "sales channel", "contact channel", "platform"),
    "status": ("order status", "state", "financial status", "fulfillment status"),
    "created_at": ("created", "created date", "creation date", "opened", "opened at", "date opened",
                   "signup date", "sign up date", "registered", "registration date", "join date",
                   "date", "timestamp", "submitted at"),
    "name": ("full name", "customer name", "client name", "contact name", "display name"),
    "email": ("e-mail", "email address", "mail", "customer email", "contact email"),
    "phone": ("phone number", "telephone", "mobile", "tel", "contact number"),
    "country": ("country code", "country name", "billing country", "shipping country", "market"),
    "segment": ("tier", "plan", "customer segment", "contract", "customer type"),
    "consent_marketing": ("marketing consent", "accepts marketing", "opt in", "newsletter",
                          "subscribed", "email opt in", "marketing opt in"),
    "consent_analytics": ("analytics consent", "tracking consent", "cookie consent"),
    "line": ("line number", "line no", "line item", "position", "item number", "order item id"),
    "product_id": ("product", "sku", "item id", "item", "stock code", "article", "variant id",
                   "lineitem sku"),
    "category": ("product category", "category name", "department", "product type",
                 "product category name"),
    "quantity": ("qty", "units", "number of items", "lineitem quantity"),
    "price": ("unit price", "item price", "lineitem price", "sale price"),
    "ticket_id": ("ticket", "ticket number", "case id", "case number", "incident id", "id"),
    "agent_id": ("agent", "assignee", "assignee id", "handled by", "org resource", "resource"),
    "topic": ("subject", "ticket type", "issue type", "reason", "tags"),
    "first_response_at": ("first response", "first response time", "first reply", "first reply at",
                          "first reply time", "responded at"),
    "resolved_at": ("resolved", "resolution time", "resolution date", "time to resolution",
                    "solved at", "closed at", "closed", "date closed"),
    "contacts": ("replies", "number of contacts", "touches", "interactions"),
    "csat": ("satisfaction", "satisfaction rating", "satisfaction score", "customer satisfaction",
             "customer satisfaction rating", "csat score", "rating"),
    "response_id": ("response", "answer id", "submission id", "token", "response token", "id"),
    "survey_id": ("survey", "form id", "survey name"),
    "kind": ("score type", "survey type", "metric", "question type"),
    "score": ("nps", "nps score", "rating", "likelihood to recommend", "answer", "ces"),
    "comment": ("comments", "feedback", "verbatim", "reason", "why", "remarks"),
    "feedback_id": ("review id", "post id", "tweet id", "mention id", "id"),
    "source": ("platform", "site", "network", "origin"),
    "text": ("review", "body", "content", "message", "review text", "comment", "tweet"),
    "rating": ("stars", "star rating", "score", "review rating"),
    "author": ("user", "username", "user name", "reviewer", "screen name", "author id", "handle"),
    "likes": ("like count", "favorites", "favorite count", "upvotes", "reactions"),
    "shares": ("retweets", "retweet count", "share count", "reposts"),
    "comments": ("replies", "reply count", "comment count"),
    "stage": ("journey stage", "funnel stage", "phase", "lifecycle stage"),
    "owner": ("team", "department", "responsible"),
}  # fmt: skip

#: Words an export puts before a column's name, per table ("Ticket Channel", "case:channel"):
#: only the table's own entity ("Order Date" is not when a customer was created).
ENTITY_PREFIXES: dict[str, tuple[str, ...]] = {
    "customers": ("customer", "client", "user", "contact", "account"),
    "touchpoints": ("touchpoint",),
    "events": ("event", "case", "hit"),
    "orders": ("order", "invoice", "purchase", "transaction"),
    "order_items": ("item", "lineitem", "line", "product", "order"),
    "tickets": ("ticket", "case", "issue"),
    "responses": ("response", "survey", "answer"),
    "feedback": ("feedback", "review", "post", "mention"),
}

#: Sampled values -> a vocabulary's value, compared without case, spaces or punctuation.
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    "web": ("website", "online", "internet", "web site", "www", "desktop", "browser", "webshop",
            "online store", "e-commerce", "portal", "web form"),
    "app": ("mobile app", "mobile", "ios", "android", "in-app", "application"),
    "email": ("e-mail", "mail", "newsletter"),
    "phone": ("telephone", "call", "phone call", "call center", "call centre", "voice", "hotline"),
    "chat": ("live chat", "livechat", "web chat", "messenger", "chatbot"),
    "store": ("in-store", "in store", "shop", "pos", "point of sale", "retail", "branch",
              "offline", "desk", "counter"),
    "social": ("social media", "twitter", "facebook", "instagram", "linkedin", "tiktok"),
    "review": ("reviews", "trustpilot", "app store", "google reviews", "yelp"),
    "forum": ("community", "discussion"),
    "survey": ("questionnaire", "poll"),
    "completed": ("complete", "delivered", "paid", "fulfilled", "closed", "done"),
    "pending": ("processing", "open", "created", "approved", "invoiced", "shipped", "on hold"),
    "cancelled": ("canceled", "void", "voided"),
    "returned": ("refunded", "return", "refund"),
    "nps": ("net promoter", "net promoter score"),
    "csat": ("satisfaction", "customer satisfaction"),
    "ces": ("effort", "customer effort", "customer effort score"),
}  # fmt: skip

#: Starts of words in a score column's name that tell the survey kind, when no column does.
KIND_WORDS = {"nps": ("nps", "recommend"), "csat": ("csat", "satisf"), "ces": ("ces", "effort")}


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", name.lower())


_SYNONYMS = {t: {_norm(s) for s in words} for t, words in SYNONYMS.items()}
_ALIASES = {_norm(a): value for value, aliases in VALUE_ALIASES.items() for a in aliases}

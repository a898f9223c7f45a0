"""The text of a new workbook's Instructions sheet: what to fill in and how to run a review."""

from __future__ import annotations

from ..core.model import INGREDIENT_COUNT, Ingredient

_FIRST_INGREDIENT, *_, _LAST_INGREDIENT = Ingredient
_INGREDIENT_NAMES = (
    ", ".join(i.label.lower() for i in Ingredient if i is not _LAST_INGREDIENT)
    + f", and {_LAST_INGREDIENT.label.lower()}"
)

#: (kind, text) of each line: "title", "heading" or "text".
INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("title", "partnersheet: score and review your referral partners"),
    ("heading", "What it is for"),
    (
        "text",
        "If much of your work comes through referrals, a handful of strategic partners matter "
        f"a great deal. This workbook lists them and scores each one on {INGREDIENT_COUNT} "
        f"ingredients of a good partnership: {_INGREDIENT_NAMES}. You weight the ingredients "
        "the way your business needs, and partnersheet reviews the lot.",
    ),
    (
        "text",
        "The review answers four questions. Which partnership matters most, and what would "
        "make it even better? Which is least effective: ditch it, or work on it? Which "
        "partnerships bring you into conflict? And if you needed more chargeable time, which "
        "relationship could you spend less time on without hurting your business?",
    ),
    ("heading", "What you fill in"),
    (
        "text",
        f"Partners: one row per partner. Only Partner and the {INGREDIENT_COUNT} score columns "
        f"({_FIRST_INGREDIENT.label} to {_LAST_INGREDIENT.label}) are needed. The other "
        "columns (organisation, what they offer, how "
        "the partnership is agreed, hours you spend on it a month, referrals and fees in the "
        "last 12 months, last contact, owner, notes) make the review more useful. Select a cell "
        "to see what goes in it.",
    ),
    (
        "text",
        "Scores: give each ingredient a whole number from 1 (lowest) to 5 (highest). The "
        "Weights sheet says what each ingredient means.",
    ),
    (
        "text",
        "Competitor group: give partners who compete with each other the same group name, "
        "for example two executive coaches. Also refers to: the names of your own competitors "
        "that this partner also sends work to, separated by commas.",
    ),
    (
        "text",
        "Last contact: the date you were last in touch, such as 2026-11-03. partnersheet "
        "works out Next contact from it: 30 days later for a Strong partner, 60 for Keep and "
        "90 for Improve (a Ditch partner gets no reminder), and the Review lists who is "
        "overdue. Change the days on the Settings sheet; 0 turns a band's reminders off.",
    ),
    (
        "text",
        "Owner: the colleague who looks after the partner, when several of you share the "
        "workbook. The Review sums up each owner's partners and answers question 4 for each "
        "owner's partners alone. Case and spaces do not matter: Sam Turner and sam  turner are "
        "one owner, shown as first written.",
    ),
    (
        "text",
        "Weights: how much each ingredient counts. 1 is normal, 2 counts twice as much, 0 "
        "leaves it out. The Action column is the advice the review gives when that ingredient "
        "is the one to work on; put it in your own words if you like.",
    ),
    (
        "text",
        "Settings: the score scale, the weighted scores from which a partnership counts as "
        "Strong, Keep or Improve (below that it is Ditch), your hourly chargeable rate and "
        "currency, what a blank score means, how many days may pass between contacts with a "
        "partner in each band, and Close call within: how far, in percent, one weight may "
        "move for an answer to count as a close call (0 turns close calls off).",
    ),
    (
        "text",
        "Competitors: your own competitors, with any other names they go by in Also known as "
        "(separate names with ;). partnersheet uses this sheet to spot partners who also send "
        "work to them.",
    ),
    ("heading", "What partnersheet fills in"),
    (
        "text",
        "The shaded columns at the right of Partners, from Weighted score to Next contact. "
        "Anything typed there is replaced on every review.",
    ),
    (
        "text",
        "Trend: Rising, Falling or Steady, with the points a month the weighted score has "
        "moved over the partner's last six reviews at most (this one included); it stays blank "
        "until a partner has been scored at three reviews.",
    ),
    (
        "text",
        "Review: the answers to the four questions, the ranking (with each partner's trend), "
        "the band changes since the last review, who is overdue for contact, each owner's "
        "partners (when the Owner column is filled in), three charts (the weighted scores, the "
        "weighted score over time, and the time you give each partner against what it is "
        "worth) and the partners still to score. It is replaced whole on every review, so "
        "keep your own notes elsewhere.",
    ),
    (
        "text",
        "Close calls: the answers to questions 1, 2 and 4 each end by saying how sure they "
        "are. partnersheet tries each weight above 0 a little higher and lower (10% steps, up "
        "to Close call within); if one such change would name a different partner, the answer "
        "is a close call and the Review names the smallest such change. Otherwise it says who "
        "is next, and how far behind.",
    ),
    (
        "text",
        "History: one row per ranked partner for each review, with its date and the weights "
        "used. Rows are kept from one review to the next, so the Review can show which "
        "relationships are growing and which are fading. A second review on the same day "
        "replaces that day's rows.",
    ),
    ("heading", "How to run it"),
    (
        "text",
        "Save and close the workbook, then type in a terminal:   partnersheet review yourfile.xlsx",
    ),
    (
        "text",
        "To check what you typed without changing anything:   partnersheet check yourfile.xlsx"
        "   Each problem is listed with its sheet and cell (for example Partners!M7) and what "
        "to do about it. When there is any problem, nothing is written.",
    ),
    (
        "text",
        "To see who is overdue for contact today, writing nothing:   partnersheet overdue "
        'yourfile.xlsx   Add --owner "Sam Turner" for one colleague\'s partners only.',
    ),
    ("heading", "What is never touched"),
    (
        "text",
        "Sheets you add yourself, and columns you add to Partners under headers of your own, "
        "are left exactly as they are; so are your formatting, comments and dropdowns.",
    ),
    ("heading", "Scores left blank"),
    (
        "text",
        "You may leave a score blank while you are still getting to know a partner; a blank "
        "is never counted as 0. The Settings value Missing scores decides what happens. Score "
        "what is there (the default): the partner is scored on the ingredients that have a "
        "score and its Status says Provisional. Count as lowest: each blank counts as the "
        "lowest score. Do not rank: the partner is left out of the ranking until every score "
        "is in.",
    ),
    ("heading", "How the weighted score works"),
    (
        "text",
        "Each partner gets a weighted score from 0 (every ingredient at the lowest score) to "
        "100 (every ingredient at the highest), each ingredient counting as much as its weight. "
        "With the standard settings, 75 and above is Strong, 50 and above Keep, 30 and above "
        "Improve, and below 30 Ditch.",
    ),
)

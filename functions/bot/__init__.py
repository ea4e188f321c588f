"""The default chatbot engine of the inbox (``KeywordBot``), pure Python.

``inbox.bot`` defines the port (``Bot``, ``GuestText``, ``KnowledgeBase`` and the
decisions); this package implements it without network or model. Typical use::

    from bot import KeywordBot
    decision = KeywordBot().decide(GuestText(text="wifi password?"), knowledge)
"""

from bot.engine import ANSWER_THRESHOLD, SPAM_THRESHOLD, KeywordBot, detect_language

__all__ = ["ANSWER_THRESHOLD", "SPAM_THRESHOLD", "KeywordBot", "detect_language"]

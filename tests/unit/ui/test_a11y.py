"""The accessibility statement names the contact the deployment sets, as literal text."""

from __future__ import annotations

from core.settings import from_environment
from ui.a11y import statement


def test_without_a_contact_the_statement_sends_users_to_their_service_desk():
    text = statement(None)
    assert text.count("service desk") == 2  # other formats, and reporting a problem
    assert "service desk" in statement("")


def test_a_contact_replaces_the_service_desk_in_both_places_even_across_a_line_break():
    text = statement("accessibility@precision.example.gov.uk or 01234 567890")
    assert "service desk" not in text
    assert text.count("at accessibility@precision.example.gov.uk or 01234 567890") == 2


def test_a_contact_is_shown_as_text_not_markdown():
    text = statement("[click](http://evil.example) *now*")
    assert "[click](" not in text and "\\[click\\]\\(http\\://evil.example\\) \\*now\\*" in text
    # no LaTeX, emoji shortcode or HTML entity either
    assert "at \\$x\\$ \\:smile\\: \\&amp;" in statement("$x$ :smile: &amp;")


def test_the_contact_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRECISION_ACCESSIBILITY_CONTACT", "  precision@example.gov.uk ")
    assert from_environment().accessibility_contact == "precision@example.gov.uk"
    monkeypatch.setenv("PRECISION_ACCESSIBILITY_CONTACT", "   ")
    assert from_environment().accessibility_contact is None

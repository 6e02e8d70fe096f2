"""The People list: search, filters, sorts, paging, htmx fragments, query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts import listing
from tests.factories import ContactFactory, ContactMethodFactory, TagFactory

pytestmark = pytest.mark.django_db
URL = reverse("contact_list")


def names(response) -> list[str]:
    """The names of the rows shown, in order."""
    return [contact.display_name for contact in response.context["page"].object_list]


@pytest.fixture
def people(owner, other):
    ana = ContactFactory(owner=owner, display_name="Ana Lima", nickname="Nana", company="Lisbon Labs",
                         notes="Loves climbing in the Alps.", circle="inner")
    ben = ContactFactory(owner=owner, display_name="Ben Okafor", company="Harbour Trust", circle="network")
    ContactMethodFactory(contact=ben, kind="social", value="@benok@mastodon.social")
    ContactFactory(owner=other, display_name="Ana Other", company="Lisbon Labs")
    return ana, ben


class TestSearch:
    @pytest.mark.parametrize("query, expected", [
        ("ana", ["Ana Lima"]),
        ("nana", ["Ana Lima"]),
        ("harbour", ["Ben Okafor"]),
        ("mastodon", ["Ben Okafor"]),
        ("alps", ["Ana Lima"]),
        ("lisbon ana", ["Ana Lima"]),
        ("nobody-here", []),
    ])
    def test_names_nicknames_companies_handles_and_notes(self, owner_client, people, query, expected):
        assert names(owner_client.get(URL, {"q": query})) == expected

    def test_notes_by_full_text_and_names_by_similarity(self, owner_client, people):
        # "climbed" shares the stem of "climbing"; "Okafr" is one letter off.
        assert names(owner_client.get(URL, {"q": "climbed"})) == ["Ana Lima"]
        assert names(owner_client.get(URL, {"q": "Ben Okafr"})) == ["Ben Okafor"]

    def test_sqlite_fallback_is_a_substring_search(self, owner, people, monkeypatch):
        monkeypatch.setattr(listing.connection, "vendor", "sqlite")
        found = listing.filtered(owner, listing.Filters(q="mastodon"), timezone.localdate())
        assert [c.display_name for c in found] == ["Ben Okafor"]
        assert "similarity" not in str(found.query).lower()

    def test_never_shows_another_users_contacts(self, owner_client, people):
        assert "Ana Other" not in owner_client.get(URL, {"q": "lisbon"}).content.decode()


class TestFilters:
    def test_circle(self, owner_client, people):
        assert names(owner_client.get(URL, {"circle": "network"})) == ["Ben Okafor"]

    def test_tag_ignores_case(self, owner_client, owner, people):
        ana, _ = people
        ana.tags.add(TagFactory(owner=owner, name="Climbing"))
        assert names(owner_client.get(URL, {"tag": "climbing"})) == ["Ana Lima"]

    def test_due_and_overdue(self, owner_client, owner):
        today = timezone.localdate()
        ContactFactory(owner=owner, display_name="Late", next_due_on=today - datetime.timedelta(days=3),
                       effective_cadence_days=30)
        ContactFactory(owner=owner, display_name="Today", next_due_on=today, effective_cadence_days=30)
        ContactFactory(owner=owner, display_name="Later", next_due_on=today + datetime.timedelta(days=3),
                       effective_cadence_days=30)
        assert names(owner_client.get(URL, {"due": "due"})) == ["Late", "Today"]
        assert names(owner_client.get(URL, {"due": "overdue"})) == ["Late"]
        html = owner_client.get(URL).content.decode()
        assert "Overdue 3 days" in html and "Due today" in html

    def test_archived(self, owner_client, owner, people):
        ContactFactory(owner=owner, display_name="Gone Quiet", archived=True)
        assert "Gone Quiet" not in names(owner_client.get(URL))
        assert names(owner_client.get(URL, {"archived": "1"})) == ["Gone Quiet"]

    def test_unknown_values_are_ignored(self, owner_client, people):
        response = owner_client.get(URL, {"circle": "nope", "due": "x", "sort": "drop table", "page": "zz"})
        assert response.status_code == 200
        assert names(response) == ["Ana Lima", "Ben Okafor"]


class TestSort:
    def test_by_name_last_talked_and_depth(self, owner_client, owner):
        now = timezone.now()
        ContactFactory(owner=owner, display_name="cleo", depth_score=40, last_interaction_at=now)
        ContactFactory(owner=owner, display_name="Ana", depth_score=None, last_interaction_at=None)
        ContactFactory(owner=owner, display_name="Bo", depth_score=90, last_interaction_at=now - datetime.timedelta(days=9))
        assert names(owner_client.get(URL)) == ["Ana", "Bo", "cleo"]
        assert names(owner_client.get(URL, {"sort": "last"})) == ["cleo", "Bo", "Ana"]
        assert names(owner_client.get(URL, {"sort": "depth"})) == ["Bo", "cleo", "Ana"]

    def test_rows_show_depth_and_last_talked(self, owner_client, owner):
        ContactFactory(owner=owner, display_name="Dee", depth_score=73,
                       last_interaction_at=timezone.now() - datetime.timedelta(days=2))
        html = owner_client.get(URL).content.decode()
        assert '<span class="depth-pill" title="Depth score out of 100">73</span>' in html
        assert "2\xa0days ago" in html


class TestPaging:
    def test_more_link_and_htmx_rows(self, owner_client, owner, monkeypatch):
        monkeypatch.setattr(listing, "PAGE_SIZE", 2)
        for name in ["A1", "A2", "A3", "A4", "A5"]:
            ContactFactory(owner=owner, display_name=name, circle="close")
        first = owner_client.get(URL, {"circle": "close"})
        html = first.content.decode()
        assert names(first) == ["A1", "A2"]
        assert 'href="?circle=close&amp;page=2"' in html and 'hx-trigger="revealed, click"' in html
        more = owner_client.get(URL, {"circle": "close", "page": "2"}, headers={"HX-Request": "true"})
        fragment = more.content.decode()
        assert names(more) == ["A3", "A4"]
        assert "<html" not in fragment and "<thead" not in fragment and "page=3" in fragment
        last = owner_client.get(URL, {"circle": "close", "page": "3"})
        assert names(last) == ["A5"] and "More people" not in last.content.decode()
        assert "Previous people" in last.content.decode()


class TestHtmx:
    def test_search_answers_with_results_and_varies(self, owner_client, people):
        response = owner_client.get(URL, {"q": "ben"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert 'id="people-results"' in html and "<html" not in html and 'role="search"' not in html
        assert "Ben Okafor" in html and "Ana Lima" not in html
        assert "HX-Request" in response["Vary"]

    def test_same_url_is_a_full_page(self, owner_client, people):
        response = owner_client.get(URL, {"q": "ben"})
        html = response.content.decode()
        assert "<html" in html and 'value="ben"' in html and "HX-Request" in response["Vary"]

    def test_header_links_and_nav(self, owner_client, people):
        html = owner_client.get(URL).content.decode()
        assert f'href="{reverse("contact_duplicates")}"' in html
        assert f'<a href="{URL}" aria-current="page">People</a>' in html
        assert "js/people.js" in html and "<script>" not in html


class TestQueryCount:
    def _fill(self, owner, count):
        tags = [TagFactory(owner=owner) for _ in range(3)]
        for _ in range(count):
            ContactFactory(owner=owner, depth_score=50).tags.add(*tags)

    @pytest.mark.parametrize("count", [3, 30])
    def test_constant(self, owner_client, owner, count, django_assert_num_queries):
        self._fill(owner, count)
        owner_client.get(URL)  # the session is read once the same way on every request
        # session, user, the user's tags, the count, the page, the rows' tags
        with django_assert_num_queries(6):
            response = owner_client.get(URL, {"q": "a", "sort": "depth"})
        assert response.status_code == 200


def test_header_links_to_duplicates_and_import(owner_client):
    html = owner_client.get(URL).content.decode()
    assert '<a class="button button-quiet" href="/contacts/duplicates/">Possible duplicates</a>' in html
    assert '<a class="button button-quiet" href="/contacts/import/">Import and export</a>' in html


def test_search_indexes_exist(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%trgm"])
        found = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'contact_notes_fts'")
        assert cursor.fetchone()
    assert {"contact_name_trgm", "contact_name_upper_trgm", "contactmethod_value_upper_trgm"} <= found

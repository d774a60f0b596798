"""Stories are compared only within themselves: no finding ever points into another story."""

from __future__ import annotations

from auditor.run import AuditOptions, audit

LEAD = ("The regulator fined the carrier $4.2 million on March 3, 2025, over billing errors, "
        "officials said.\nThe carrier said it would appeal the fine.\n")


def test_three_story_folders_are_never_compared(tmp_path):
    inbox = tmp_path / "inbox"
    for story, amount in (("alpha", "4.2"), ("beta", "9.9"), ("gamma", "4.25")):
        for outlet in ("wire", "daily"):
            folder = inbox / story
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{outlet}.txt").write_text(LEAD.replace("4.2", amount), encoding="utf-8")
    result = audit(AuditOptions(paths=[inbox], out=tmp_path / "out", formats={"json"}), log=lambda _m: None)
    story_of = {s["source"]: s["story"] for s in result.findings_doc["sources"]}
    assert set(story_of.values()) == {"inbox/alpha", "inbox/beta", "inbox/gamma"}
    for f in result.findings_doc["findings"]:
        assert all(story_of[r["source"]] == f["story"] for r in f["related"]), f
    # the same story's outlets agree, so nothing across stories may show up as a conflict
    assert not [f for f in result.findings_doc["findings"] if f["kind"].endswith("_conflict")]


def test_stories_auto_groups_a_flat_inbox(tmp_path):
    inbox = tmp_path / "flat"
    inbox.mkdir()
    fine = ("Harbor Authority fined over oil spill\nThe Harbor Authority was fined $4.2 million on March 3, 2025, "
            "after an oil spill in Portsmouth harbor, regulators said.\n")
    vote = ("Lakeside council approves stadium plan\nLakeside city council approved a 30,000-seat stadium plan "
            "on Monday, with Mayor Ortega casting the deciding vote.\n")
    for i, text in enumerate([fine, fine.replace("regulators said", "officials said"), vote,
                              vote.replace("on Monday", "late on Monday")]):
        (inbox / f"a{i}.txt").write_text(text, encoding="utf-8")
    result = audit(AuditOptions(paths=[inbox], out=tmp_path / "out", formats={"json"}, stories="auto"),
                   log=lambda _m: None)
    story = {s["source"]: s["story"] for s in result.findings_doc["sources"]}
    assert story["a0"] == story["a1"] != story["a2"] == story["a3"]

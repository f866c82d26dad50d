"""The HMAC token binds a file to its round and organisation."""

from remiss.identity import FileIdentity, make_token, parse_reference, token_matches


def test_token_detects_a_relabelled_organisation():
    token = make_token("secret", "sh-2016", "bromma")
    assert token_matches("secret", "sh-2016", "bromma", token)
    assert not token_matches("secret", "sh-2016", "farsta", token)
    assert not token_matches("other-secret", "sh-2016", "bromma", token)


def test_reference_round_trips_through_text():
    identity = FileIdentity(
        "sh-2016", "enskede-arsta-vantor", make_token("s", "sh-2016", "enskede-arsta-vantor")
    )
    text = f"Sidfot: {identity.reference} · Sida 1 (3)"
    assert parse_reference(text) == ("sh-2016", "enskede-arsta-vantor", identity.token[:8])
    assert FileIdentity.from_properties(identity.as_properties()) == identity
    assert FileIdentity.from_properties({"remiss.round": "sh-2016"}) is None

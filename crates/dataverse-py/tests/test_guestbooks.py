"""Guestbooks (create, read, list, update, enable, responses, a collection's responses as
CSV, a dataset's guestbook) and downloads answering one (``guestbook_response=``), against
the embedded Dataverse."""

import asyncio
import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import make_collection, make_dataset, upload, write

from dataverse_rs import (
    AsyncNativeApi,
    BadRequest,
    Forbidden,
    GuestbookBody,
    GuestbookResponse,
    InvalidArgument,
    LocalDataverse,
    NotFound,
    Unauthorized,
)
from dataverse_rs.models_guestbooks import Guestbook, GuestbookResponses

# Dataverse refuses a permission as 401 or 403 depending on the endpoint.
REFUSED = (Forbidden, Unauthorized)


def downloaders(name="Downloaders") -> GuestbookBody:
    return GuestbookBody(
        name=name,
        name_required=True,
        email_required=True,
        custom_questions=[
            {
                "question": "Purpose?",
                "type": "options",
                "required": True,
                "displayOrder": 0,
                "optionValues": [{"value": "Research", "displayOrder": 0}, {"value": "Teaching", "displayOrder": 1}],
            },
            {"question": "Comments", "type": "textarea", "displayOrder": 1},
        ],
    )


def published(api, tmp_path: Path):
    pid = make_dataset(api)
    a = upload(api, pid, write(tmp_path, "a.txt", "alpha\n"))
    b = upload(api, pid, write(tmp_path, "b.txt", "beta\n"))
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    return pid, a, b


def test_guestbook_crud_and_listing(api, dataverse_user):
    created = api.create_guestbook(":root", downloaders())
    assert isinstance(created, Guestbook)
    assert created.id > 1 and created.name == "Downloaders" and created.enabled
    assert created.name_required and created.email_required and not created.institution_required
    assert [q.question for q in created.custom_questions] == ["Purpose?", "Comments"]
    assert [o.value for o in created.custom_questions[0].option_values] == ["Research", "Teaching"]
    assert api.get_guestbook(created.id).to_dict() == created.to_dict()

    listed = api.list_guestbooks(":root")
    assert created.id in [g.id for g in listed]
    with_stats = api.list_guestbooks(":root", include_stats=True)
    mine = next(g for g in with_stats if g.id == created.id)
    assert mine.usage_count == 0 and mine.response_count == 0

    # A dict (camelCase) updates it too.
    updated = api.update_guestbook(
        created.id, {"name": "Downloaders 2", "enabled": True, "institutionRequired": True}
    )
    assert updated.name == "Downloaders 2" and updated.institution_required
    assert api.get_guestbook(created.id).name == "Downloaders 2"

    message = api.enable_guestbook(":root", created.id, enabled=False)
    assert message.message == f"Guestbook {created.id} enabled=false"
    assert not api.get_guestbook(created.id).enabled
    api.enable_guestbook(":root", created.id)
    assert api.get_guestbook(created.id).enabled

    # Errors: unknown guestbook, a plain user listing the root's, a malformed body.
    with pytest.raises(NotFound):
        api.get_guestbook(999_999)
    with pytest.raises(REFUSED):
        dataverse_user["api"].list_guestbooks(":root")
    with pytest.raises(InvalidArgument):
        GuestbookBody(name="x", custom_questions=[{"question": 1}])


def test_downloads_answer_the_guestbook(api, local_dataverse, dataverse_user, tmp_path: Path):
    pid, a, b = published(api, tmp_path)
    gb = api.create_guestbook(":root", downloaders("Finch readers"))
    purpose, comments = (q.id for q in gb.custom_questions)

    with pytest.raises(NotFound):
        api.set_dataset_guestbook(pid, 999_999)
    assert api.set_dataset_guestbook(pid, gb.id).message == f"Guestbook {gb.id} set"

    bob = dataverse_user["api"]
    with pytest.raises(BadRequest, match="required Guestbook response"):
        bob.get_datafile(a)
    with pytest.raises(BadRequest, match="not a valid option"):
        bob.get_datafile(a, guestbook_response=GuestbookResponse(name="Bob", answers={purpose: "Fun"}))
    with pytest.raises(InvalidArgument):
        bob.get_datafile(a, guestbook_response="Research")

    answer = GuestbookResponse(
        name="Bob Tester", institution="Example U", answers={purpose: "Research", comments: ["line one", "line two"]}
    )
    assert bob.get_datafile(a, guestbook_response=answer) == b"alpha\n"
    assert bob.get_datafile(a, guestbook_response=answer, range=(1, 3)) == b"lph"
    # A dict in the wire's shape works as well.
    as_dict = {"name": "Bob Tester", "answers": [{"id": purpose, "value": "Teaching"}]}
    assert b"".join(bob.stream_datafile(b, guestbook_response=as_dict)) == b"beta\n"
    saved = bob.get_datafile(a, guestbook_response=answer, destination=tmp_path / "a.out")
    assert (tmp_path / "a.out").read_bytes() == b"alpha\n" and saved.bytes == 6

    zipped = bob.get_datafiles([a, b], guestbook_response=answer)
    assert sorted(zipfile.ZipFile(io.BytesIO(zipped)).namelist()) == ["MANIFEST.TXT", "a.txt", "b.txt"]
    assert b"".join(bob.stream_datafiles([a, b], guestbook_response=answer))[:2] == b"PK"
    whole = bob.download_all_datafiles(pid, guestbook_response=answer)
    assert {"a.txt", "b.txt"} <= set(zipfile.ZipFile(io.BytesIO(whole)).namelist())
    assert b"".join(bob.stream_all_datafiles(pid, guestbook_response=answer))[:2] == b"PK"
    assert bob.get_datafile_bundle(a, guestbook_response=answer)[:2] == b"PK"

    responses = api.get_guestbook_responses(gb.id)
    assert isinstance(responses, GuestbookResponses)
    assert responses.guestbook.id == gb.id and responses.guestbook.usage_count == 1
    assert responses.pagination is None
    assert len(responses.responses) == responses.guestbook.response_count >= 8
    assert {r.type for r in responses.responses} == {"Download"}
    bobs = [r for r in responses.responses if r.name == "Bob Tester" and r.institution == "Example U"]
    assert bobs and bobs[0].file_name in ("a.txt", "b.txt")
    page = api.get_guestbook_responses(gb.id, limit=3, offset=0)
    assert len(page.responses) == 3 and page.pagination.total_responses == len(responses.responses)
    assert [r.id for r in page.responses] == [r.id for r in responses.responses[:3]]

    assert api.remove_dataset_guestbook(pid).message == f"Guestbook removed {gb.id}"
    assert bob.get_datafile(a) == b"alpha\n"
    assert api.remove_dataset_guestbook(pid).message == "No Guestbook to remove."


def test_guestbook_at_request_time(api, dataverse_user, tmp_path: Path):
    pid = make_dataset(api)
    secret = upload(api, pid, write(tmp_path, "secret.txt", "hidden\n"), restrict=True)
    api.allow_access_request(pid, True)
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    gb = api.create_guestbook(":root", GuestbookBody(name="Requesters"))
    api.set_dataset_guestbook(pid, gb.id)
    # Superusers only; choosing needs the installation to allow it (LocalDataverse does
    # not), resetting to the installation's default does not.
    with pytest.raises(REFUSED, match="Superusers only"):
        dataverse_user["api"].set_guestbook_entry_at_request(pid, None)
    with pytest.raises(Forbidden, match="not configured to allow it"):
        api.set_guestbook_entry_at_request(pid, True)
    assert api.set_guestbook_entry_at_request(pid, None).message

    bob = dataverse_user["api"]
    answered = bob.request_access(secret, guestbook_response=GuestbookResponse(name="Bob"))
    assert answered.message
    assert len(api.list_file_access_requests(secret)) == 1


def test_installation_setting_lets_superusers_choose(tmp_path: Path):
    # `guestbook_at_request` is the installation's setting: its value is every dataset's
    # default, and once set either way a superuser may choose per dataset.
    for setting in (True, False):
        with LocalDataverse(guestbook_at_request=setting) as dv:
            api = dv.api()
            pid = make_dataset(api)
            default = api.get_guestbook_entry_at_request(pid)
            assert (default.at_request, default.set_on_dataset) == (setting, False)
            api.set_guestbook_entry_at_request(pid, not setting)
            own = api.get_guestbook_entry_at_request(pid)
            assert (own.at_request, own.set_on_dataset) == (not setting, True)
            with pytest.raises(NotFound):
                api.get_guestbook_entry_at_request(999_999)


def test_async_guestbooks(local_dataverse, tmp_path: Path):
    async def main():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        gb = await aapi.create_guestbook(":root", GuestbookBody(name="Async readers"))
        assert (await aapi.get_guestbook(gb.id)).name == "Async readers"
        assert gb.id in [g.id for g in await aapi.list_guestbooks(":root")]
        with pytest.raises(NotFound):
            await aapi.get_guestbook_responses(999_999)
        return gb

    api = local_dataverse.api()
    pid, a, _ = published(api, tmp_path)
    gb = asyncio.run(main())
    api.set_dataset_guestbook(pid, gb.id)

    reader = local_dataverse.create_user()

    async def download():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=reader["token"])
        with pytest.raises(BadRequest, match="required Guestbook response"):
            await aapi.get_datafile(a)
        data = await aapi.get_datafile(a, guestbook_response=GuestbookResponse(name="Ada"))
        admin = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        responses = await admin.get_guestbook_responses(gb.id)
        return data, responses

    data, responses = asyncio.run(download())
    assert data == b"alpha\n"
    assert [r.name for r in responses.responses] == ["Ada"]


CSV_HEADER = (
    "Guestbook, Dataset, Dataset PID, Date, Type, File Name, File Id, File PID, User Name, Email,"
    " Institution, Position, Custom Questions\n"
)


def test_collection_guestbook_responses_csv(api, local_dataverse, dataverse_user, tmp_path: Path):
    alias = make_collection(api)
    api.publish_collection(alias)
    pid = make_dataset(api, alias)
    a = upload(api, pid, write(tmp_path, "a.txt", "alpha\n"))
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    gb = api.create_guestbook(alias, downloaders("Lab readers"))
    purpose, comments = (q.id for q in gb.custom_questions)
    api.set_dataset_guestbook(pid, gb.id)
    bob = dataverse_user["api"]
    answer = GuestbookResponse(
        name="Bob Tester", institution="Example U", answers={purpose: "Research", comments: ["one", "two, three"]}
    )
    assert bob.get_datafile(a, guestbook_response=answer) == b"alpha\n"

    csv = api.get_collection_guestbook_responses(alias)
    assert isinstance(csv, str) and csv.startswith(CSV_HEADER)
    line = csv[len(CSV_HEADER):]
    # One response: guestbook, dataset title and PID first; the custom answers last, a
    # multi-line answer quoted.
    assert line.startswith(f"Lab readers,Darwin's Finches,{pid},"), line
    # The email and position are the account's; the date is MM/d/yyyy.
    email = dataverse_user["email"]
    tail = f',Download,a.txt,{a},N/A,Bob Tester,{email},Example U,Tester,Purpose?,Research,Comments,"one\ntwo, three"\n'
    assert line.endswith(tail), line
    assert re.fullmatch(r"\d\d/\d{1,2}/\d{4}", line[: -len(tail)].rsplit(",", 1)[1]), line
    assert api.get_collection_guestbook_responses(alias, guestbook_id=gb.id) == csv
    assert api.get_collection_guestbook_responses(alias, guestbook_id=999_999) == CSV_HEADER

    with pytest.raises(REFUSED):
        bob.get_collection_guestbook_responses(alias)
    with pytest.raises(NotFound, match="Can't find dataverse"):
        api.get_collection_guestbook_responses("no-such-collection")

    async def main():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        return await aapi.get_collection_guestbook_responses(alias, guestbook_id=gb.id)

    assert asyncio.run(main()) == csv

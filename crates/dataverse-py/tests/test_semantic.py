"""JSON-LD (semantic) metadata against the embedded Dataverse."""

import asyncio

import pytest
from conftest import make_dataset

from dataverse_rs import AsyncNativeApi, BadRequest, InvalidArgument, NotFound
from dataverse_rs.models_semantic import JsonLdUpdate, Triple

CITATION = {"citation": "https://dataverse.org/schema/citation/"}
DC = {"dc": "http://purl.org/dc/terms/"}


def keywords(api, pid):
    fields = api.get_dataset(pid).dataset_version.to_dict()["metadataBlocks"]["citation"]["fields"]
    return [v["keywordValue"]["value"] for f in fields if f["typeName"] == "keyword" for v in f["value"]]


def test_read_as_jsonld_and_expand_to_triples(api):
    pid = make_dataset(api, title="Finches as JSON-LD")
    doc = api.get_dataset_jsonld(pid)
    assert doc["schema:name"] == "Finches as JSON-LD"
    assert isinstance(doc["@context"], dict)  # inline, no remote context
    assert api.get_dataset_jsonld(pid, version=":draft")["@id"] == doc["@id"]
    triples = api.jsonld_triples(doc)
    assert all(isinstance(t, Triple) for t in triples)
    titles = [t for t in triples if t.predicate == "http://purl.org/dc/terms/title"]
    assert [(t.subject["value"], t.object["value"]) for t in titles] == [(doc["@id"], "Finches as JSON-LD")]
    assert titles[0].ntriples == f'<{doc["@id"]}> <http://purl.org/dc/terms/title> "Finches as JSON-LD" .'
    with pytest.raises(InvalidArgument):
        api.jsonld_triples({"@context": "https://example.org/remote-context.jsonld", "name": "x"})


def test_add_replace_delete(api):
    pid = make_dataset(api)
    added = api.update_dataset_jsonld(pid, {"@context": CITATION, "citation:keyword": {"citation:keywordValue": "finches"}})
    assert isinstance(added, JsonLdUpdate) and added.created is False and added.date
    assert keywords(api, pid) == ["finches"]
    with pytest.raises(BadRequest, match="single-value field"):
        api.update_dataset_jsonld(pid, {"@context": DC, "dc:title": "Other"})
    api.update_dataset_jsonld(pid, {"@context": DC, "dc:title": "Other"}, replace=True)
    assert api.get_dataset(pid).title == "Other"
    assert api.delete_dataset_jsonld(pid, {"https://dataverse.org/schema/citation/keyword": ""}).date
    assert keywords(api, pid) == []
    with pytest.raises(InvalidArgument):
        api.update_dataset_jsonld(pid, ["not", "an", "object"])


def test_many_at_once(api):
    first, second = make_dataset(api, title="One"), make_dataset(api, title="Two")
    docs = api.get_datasets_jsonld([first, second])
    assert [d["schema:name"] for d in docs] == ["One", "Two"]
    missing = "doi:10.5072/FK2/NOPE00"
    mixed = api.get_datasets_jsonld([first, missing], errors="return")
    assert mixed[0]["schema:name"] == "One" and isinstance(mixed[1], NotFound)
    with pytest.raises(NotFound):
        api.get_datasets_jsonld([missing])


def test_async_jsonld(local_dataverse, api):
    pid = make_dataset(api, title="Async JSON-LD")

    async def main():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        return await aapi.get_dataset_jsonld(pid)

    assert asyncio.run(main())["schema:name"] == "Async JSON-LD"

"""CSW 2.0.2 at /ogc/csw on a real server, spoken to by OWSLib's CatalogueServiceWeb and GDAL's CSW
driver as well as by hand: capabilities, Dublin Core records at three element sets, ISO 19139,
OGC Filter and CQL constraints with exact counts, paging, GetRecordById, exception reports, the
gate's refusals in the same form, and drafts absent for anonymous callers."""
import os
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import DATA, Server

NS = {
    "csw": "http://www.opengis.net/cat/csw/2.0.2",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dct": "http://purl.org/dc/terms/",
    "ows": "http://www.opengis.net/ows",
    "ogc": "http://www.opengis.net/ogc",
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "gml32": "http://www.opengis.net/gml/3.2",
    "xsd": "http://www.w3.org/2001/XMLSchema",
}

# Published by the CLI import; `luxembourg` is an API upload left a draft.
PUBLISHED = {
    "countries": "naturalearth_lowres.shp.zip",
    "nc-sids": "nc_sids_nad27.gpkg",
    "scotland": "scotland_bng.shp.zip",
    "cycle-hire": "london_cycle_hire.geojson",
    "china-provinces": "china_provinces_echarts.geojson",
}
PATCHES = {
    "cycle-hire": {"title": "London cycle hire docks", "keywords": ["velocipede", "transport"],
                   "topic": "transportation", "abstract": "Docking stations of the bike hire scheme.",
                   "publisher": "Transport for London", "licence": "CC0-1.0"},
    "nc-sids": {"title": "North Carolina SIDS", "keywords": ["velocipede", "epidemiology"],
                "topic": "health"},
    "china-provinces": {"title": "中国省级行政区划", "keywords": ["行政区划", "省份"],
                        "topic": "boundaries", "language": "zh"},
}
UK = [-10, 50, 2, 61]  # lon/lat: Scotland, London and the world's countries intersect it


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(str(tmp_path_factory.mktemp("csw")))
    for dataset_id, name in PUBLISHED.items():
        s.cli("import", os.path.join(DATA, name), "--dataset", dataset_id)
    s.start()
    for record_id, patch in PATCHES.items():
        r = s.request("PATCH", f"/api/v1/records/{record_id}", body=__import__("json").dumps(patch).encode(),
                      headers=s.auth({"Content-Type": "application/json"}))
        assert r.status == 200, r.body[:300]
    r = s.upload(os.path.join(DATA, "luxembourg_admin.kml"), query="id=luxembourg")
    assert r.status == 202, r.body[:300]
    job = s.wait_job(r.json()["id"], publish=False)
    assert job["state"] == "succeeded", job
    yield s
    s.stop()


def csw_url(s):
    return s.base + "/ogc/csw"


def kvp(s, headers=None, **params):
    return s.get("/ogc/csw?" + urllib.parse.urlencode(params), headers=headers)


def post(s, body, headers=None):
    return s.request("POST", "/ogc/csw", body=body.encode(),
                     headers={"Content-Type": "application/xml", **(headers or {})})


def xml_of(r):
    assert r.header("Content-Type").startswith("application/xml"), r.header("Content-Type")
    return ET.fromstring(r.body)


def results(root):
    sr = root.find("csw:SearchResults", NS)
    assert sr is not None, ET.tostring(root)[:300]
    return sr


def ids_of(sr, tag="csw:Record"):
    return [e.findtext("dc:identifier", namespaces=NS) for e in sr.findall(tag, NS)]


def exception(r, status=400):
    assert r.status == status, (r.status, r.body[:300])
    root = xml_of(r)
    assert root.tag == "{%s}ExceptionReport" % NS["ows"], r.body[:300]
    assert root.get("version") == "1.2.0"
    e = root.find("ows:Exception", NS)
    return e.get("exceptionCode"), e.get("locator")


GET_RECORDS = """<?xml version="1.0" encoding="UTF-8"?>
<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:gml="http://www.opengis.net/gml" service="CSW" version="2.0.2" resultType="results"
    startPosition="{start}" maxRecords="{max}" outputSchema="http://www.opengis.net/cat/csw/2.0.2">
  <csw:Query typeNames="csw:Record">
    <csw:ElementSetName>{esn}</csw:ElementSetName>
    {constraint}
    {sort}
  </csw:Query>
</csw:GetRecords>"""


def get_records_xml(constraint="", start=1, max=10, esn="brief", sort=""):
    return GET_RECORDS.format(constraint=constraint, start=start, max=max, esn=esn, sort=sort)


# ---------------------------------------------------------------------------------------------
# OWSLib


def test_owslib_capabilities_and_queries(srv):
    from owslib.csw import CatalogueServiceWeb
    from owslib.fes import BBox, PropertyIsLike, SortBy, SortProperty

    csw = CatalogueServiceWeb(csw_url(srv), timeout=60)
    assert csw.identification.type == "CSW"
    assert csw.identification.version == "2.0.2"
    assert csw.provider.name == "shikong"
    ops = {op.name: op for op in csw.operations}
    assert set(ops) == {"GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById"}
    for op in ops.values():
        kinds = sorted(m["type"] for m in op.methods)
        assert kinds == ["Get", "Post"], (op.name, kinds)
        assert all(m["url"].startswith(csw_url(srv)) for m in op.methods)
    gr = ops["GetRecords"]
    assert gr.parameters["outputSchema"]["values"] == [NS["csw"], NS["gmd"]]
    assert gr.parameters["typeNames"]["values"] == ["csw:Record", "gmd:MD_Metadata"]
    assert "apiso:AnyText" in gr.constraints[0].values or any(
        "apiso:AnyText" in c.values for c in gr.constraints)
    assert "BBOX" in csw.filters.spatial_operators
    assert "Like" in csw.filters.scalar_comparison_operators

    like = PropertyIsLike("csw:AnyText", "%velocipede%")
    csw.getrecords2(constraints=[like], esn="full", maxrecords=10)
    assert csw.results["matches"] == 2
    assert csw.results["returned"] == 2
    assert csw.results["nextrecord"] == 0
    assert sorted(csw.records) == ["cycle-hire", "nc-sids"]
    rec = csw.records["cycle-hire"]
    assert rec.title == "London cycle hire docks"
    assert rec.type == "dataset"
    assert "velocipede" in rec.subjects and "transportation" in rec.subjects
    assert rec.publisher == "Transport for London"
    assert rec.rights == ["CC0-1.0"]
    assert rec.abstract == "Docking stations of the bike hire scheme."
    # OWSLib reads the EPSG URN latitude first and hands back x = longitude.
    assert rec.bbox.crs.code == 4326
    assert -0.3 < float(rec.bbox.minx) < -0.1 and 51.4 < float(rec.bbox.miny) < 51.5
    assert -0.1 < float(rec.bbox.maxx) < 0.0 and 51.5 < float(rec.bbox.maxy) < 51.6
    assert rec.bbox_wgs84 is not None and abs(float(rec.bbox_wgs84.minx) - float(rec.bbox.minx)) < 1e-9
    refs = {r["scheme"]: r["url"] for r in rec.references}
    assert refs["WWW:LINK"] == srv.base + "/api/v1/records/cycle-hire"
    assert refs["OGC:WMS"].startswith(srv.base + "/ogc/wms?")

    csw.getrecords2(constraints=[BBox(UK)], esn="brief", maxrecords=10)
    assert csw.results["matches"] == 3
    assert sorted(csw.records) == ["countries", "cycle-hire", "scotland"]

    # A list inside the list is an And.
    csw.getrecords2(constraints=[[like, BBox(UK)]], esn="summary")
    assert csw.results["matches"] == 1 and list(csw.records) == ["cycle-hire"]

    csw.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%行政区划%")], esn="summary")
    assert list(csw.records) == ["china-provinces"]
    assert csw.records["china-provinces"].title == "中国省级行政区划"

    # Everything visible to an anonymous caller, sorted by title.
    csw.getrecords2(esn="brief", maxrecords=10,
                    sortby=SortBy([SortProperty("dc:title", "ASC")]))
    assert csw.results["matches"] == 5
    titles = [r.title for r in csw.records.values()]
    assert titles == sorted(titles)
    assert "luxembourg" not in csw.records
    csw.getrecords2(esn="brief", maxrecords=10,
                    sortby=SortBy([SortProperty("dc:title", "DESC")]))
    assert [r.title for r in csw.records.values()] == sorted(titles, reverse=True)

    csw.getrecordbyid(["cycle-hire", "luxembourg", "nothing"])
    assert list(csw.records) == ["cycle-hire"]
    csw.getrecordbyid(["nc-sids"], outputschema=NS["gmd"])
    md = csw.records["nc-sids"]
    assert md.identifier == "nc-sids"
    assert md.identification.title == "North Carolina SIDS"
    assert md.identification.topiccategory == ["health"]
    bbox = md.identification.bbox
    assert -84.5 < float(bbox.minx) < -84 and 36 < float(bbox.maxy) < 37


# ---------------------------------------------------------------------------------------------
# GDAL


def ogrinfo(*args):
    r = subprocess.run(["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_gdal_csw_driver(srv):
    out = ogrinfo("-al", "-so", "CSW:" + csw_url(srv))
    assert "Feature Count: 5" in out, out
    out = ogrinfo("-al", "CSW:" + csw_url(srv))
    assert out.count("OGRFeature(records)") == 5
    assert "identifier (String) = cycle-hire" in out
    # (GDAL 3.6's layer has no title field.)
    assert "subject (String) = velocipede" in out
    assert "luxembourg" not in out
    # The London record's polygon comes back longitude first.
    block = out.split("identifier (String) = cycle-hire")[1].split("OGRFeature(records)")[0]
    poly = [l for l in block.splitlines() if "POLYGON" in l][0]
    first = poly.split("((")[1].split(",")[0].split()
    assert -0.3 < float(first[0]) < 0.0 and 51.4 < float(first[1]) < 51.6, poly
    # A spatial filter goes to the server as a BBOX in the EPSG URN (latitude first).
    out = ogrinfo("-al", "-so", "-spat", *map(str, UK), "CSW:" + csw_url(srv))
    assert "Feature Count: 3" in out, out
    # An attribute filter becomes an ogc:Filter too.
    out = ogrinfo("-al", "-q", "-where", "identifier = 'nc-sids'", "CSW:" + csw_url(srv))
    assert out.count("OGRFeature(records)") == 1 and "nc-sids" in out
    out = ogrinfo("-al", "-q", "-oo", "ELEMENTSETNAME=brief", "-oo", "OUTPUT_SCHEMA=gmd",
                  "CSW:" + csw_url(srv))
    assert out.count("OGRFeature(records)") == 5 and "gmd:MD_Metadata" in out


# ---------------------------------------------------------------------------------------------
# by hand


def test_kvp_cql_and_element_sets(srv):
    r = kvp(srv, service="CSW", version="2.0.2", request="GetRecords", typeNames="csw:Record",
            resultType="results", elementSetName="full", constraintLanguage="CQL_TEXT",
            constraint_language_version="1.1.0",
            constraint="csw:AnyText LIKE '%velocipede%' AND BBOX(ows:BoundingBox, -10, 50, 2, 61)")
    assert r.status == 200, r.body[:400]
    root = xml_of(r)
    assert root.tag == "{%s}GetRecordsResponse" % NS["csw"]
    assert root.find("csw:SearchStatus", NS).get("timestamp").endswith("Z")
    sr = results(root)
    assert (sr.get("numberOfRecordsMatched"), sr.get("numberOfRecordsReturned"), sr.get("nextRecord"),
            sr.get("elementSet"), sr.get("recordSchema")) == ("1", "1", "0", "full", NS["csw"])
    rec = sr.find("csw:Record", NS)
    assert rec.findtext("dc:identifier", namespaces=NS) == "cycle-hire"
    box = rec.find("ows:BoundingBox", NS)
    assert box.get("crs") == "urn:ogc:def:crs:EPSG:6.6:4326"
    lat, lon = map(float, box.findtext("ows:LowerCorner", namespaces=NS).split())
    assert 51.4 < lat < 51.5 and -0.3 < lon < -0.1
    lon, lat = map(float, rec.find("ows:WGS84BoundingBox", NS).findtext("ows:LowerCorner", namespaces=NS).split())
    assert 51.4 < lat < 51.5 and -0.3 < lon < -0.1
    assert rec.findtext("dct:modified", namespaces=NS).endswith("Z")
    assert rec.findtext("dc:language", namespaces=NS)

    # brief: identifier, title, type, bbox only; summary adds subjects, formats, modified, abstract.
    for esn, tag, children in (
            ("brief", "csw:BriefRecord", ["identifier", "title", "type", "BoundingBox"]),
            ("summary", "csw:SummaryRecord", None)):
        r = kvp(srv, service="CSW", version="2.0.2", request="GetRecordById", id="cycle-hire",
                elementSetName=esn)
        rec = xml_of(r).find(tag, NS)
        assert rec is not None, r.body[:300]
        local = [c.tag.split("}")[1] for c in rec]
        if children:
            assert local == children
        else:
            assert local[:3] == ["identifier", "title", "type"]
            assert "subject" in local and "abstract" in local and "modified" in local
            assert "publisher" not in local and "references" not in local
            assert local[-1] == "BoundingBox"

    r = kvp(srv, service="CSW", version="2.0.2", request="GetRecords", typeNames="csw:Record",
            resultType="hits", constraintLanguage="CQL_TEXT", constraint="dc:title = 'North Carolina SIDS'")
    sr = results(xml_of(r))
    assert (sr.get("numberOfRecordsMatched"), sr.get("numberOfRecordsReturned")) == ("1", "0")
    assert len(list(sr)) == 0

    r = kvp(srv, service="CSW", version="2.0.2", request="GetRecords", typeNames="csw:Record",
            resultType="validate")
    assert xml_of(r).tag == "{%s}Acknowledgement" % NS["csw"]


def test_post_filter_paging_and_sort(srv):
    like = """<csw:Constraint version="1.1.0"><ogc:Filter><ogc:PropertyIsLike wildCard="*" singleChar="?"
        escapeChar="\\"><ogc:PropertyName>dc:subject</ogc:PropertyName><ogc:Literal>velo*</ogc:Literal>
        </ogc:PropertyIsLike></ogc:Filter></csw:Constraint>"""
    r = post(srv, get_records_xml(like, esn="summary"))
    assert r.status == 200, r.body[:400]
    assert sorted(ids_of(results(xml_of(r)), "csw:SummaryRecord")) == ["cycle-hire", "nc-sids"]

    within = """<csw:Constraint version="1.1.0"><ogc:Filter><ogc:Within>
        <ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326">
        <gml:lowerCorner>50 -10</gml:lowerCorner><gml:upperCorner>61 2</gml:upperCorner></gml:Envelope>
        </ogc:Within></ogc:Filter></csw:Constraint>"""
    r = post(srv, get_records_xml(within))
    assert sorted(ids_of(results(xml_of(r)), "csw:BriefRecord")) == ["cycle-hire", "scotland"]

    # Pages of two over the five published records, newest first: nextRecord until the end.
    seen = []
    start = 1
    pages = []
    while start:
        sr = results(xml_of(post(srv, get_records_xml(start=start, max=2))))
        assert sr.get("numberOfRecordsMatched") == "5"
        page = ids_of(sr, "csw:BriefRecord")
        assert sr.get("numberOfRecordsReturned") == str(len(page))
        seen += page
        pages.append(len(page))
        start = int(sr.get("nextRecord"))
    assert pages == [2, 2, 1]
    assert sorted(seen) == sorted(PUBLISHED)

    sort = """<ogc:SortBy><ogc:SortProperty><ogc:PropertyName>dct:modified</ogc:PropertyName>
        <ogc:SortOrder>ASC</ogc:SortOrder></ogc:SortProperty></ogc:SortBy>"""
    asc = ids_of(results(xml_of(post(srv, get_records_xml(sort=sort, max=10)))), "csw:BriefRecord")
    desc = ids_of(results(xml_of(post(srv, get_records_xml(sort=sort.replace("ASC", "DESC"), max=10)))),
                  "csw:BriefRecord")
    assert asc == list(reversed(desc)) and len(asc) == 5
    # The patched records changed last.
    assert set(desc[:3]) == set(PATCHES)
    page2 = ids_of(results(xml_of(post(srv, get_records_xml(sort=sort, start=4, max=2)))), "csw:BriefRecord")
    assert page2 == asc[3:5]

    cql = "<csw:Constraint version=\"1.1.0\"><csw:CqlText>dc:type = 'dataset' AND NOT dc:title LIKE 'North%'</csw:CqlText></csw:Constraint>"
    sr = results(xml_of(post(srv, get_records_xml(cql))))
    assert sr.get("numberOfRecordsMatched") == "4"


def test_iso19139_output(srv):
    r = kvp(srv, service="CSW", version="2.0.2", request="GetRecords", typeNames="gmd:MD_Metadata",
            resultType="results", elementSetName="full", outputSchema=NS["gmd"],
            constraintLanguage="CQL_TEXT", constraint="dc:identifier = 'cycle-hire'")
    sr = results(xml_of(r))
    assert sr.get("recordSchema") == NS["gmd"]
    mds = sr.findall("gmd:MD_Metadata", NS)
    assert len(mds) == 1
    md = mds[0]
    assert md.findtext("gmd:fileIdentifier/gco:CharacterString", namespaces=NS) == "cycle-hire"
    assert md.find("gmd:hierarchyLevel/gmd:MD_ScopeCode", NS).get("codeListValue") == "dataset"
    assert md.findtext("gmd:dateStamp/gco:DateTime", namespaces=NS).endswith("Z")
    ident = md.find("gmd:identificationInfo/gmd:MD_DataIdentification", NS)
    assert ident.findtext("gmd:citation/gmd:CI_Citation/gmd:title/gco:CharacterString",
                          namespaces=NS) == "London cycle hire docks"
    kws = [k.text for k in ident.findall("gmd:descriptiveKeywords/gmd:MD_Keywords/gmd:keyword/gco:CharacterString", NS)]
    assert kws == ["velocipede", "transport"]
    assert ident.findtext("gmd:topicCategory/gmd:MD_TopicCategoryCode", namespaces=NS) == "transportation"
    box = ident.find("gmd:extent/gmd:EX_Extent/gmd:geographicElement/gmd:EX_GeographicBoundingBox", NS)
    west = float(box.findtext("gmd:westBoundLongitude/gco:Decimal", namespaces=NS))
    north = float(box.findtext("gmd:northBoundLatitude/gco:Decimal", namespaces=NS))
    assert -0.3 < west < -0.1 and 51.5 < north < 51.6
    assert ident.findtext("gmd:resourceConstraints/gmd:MD_LegalConstraints/gmd:otherConstraints/gco:CharacterString",
                          namespaces=NS) == "CC0-1.0"
    urls = [u.text for u in md.findall(".//gmd:CI_OnlineResource/gmd:linkage/gmd:URL", NS)]
    assert srv.base + "/api/v1/records/cycle-hire" in urls


def test_describe_record_and_capabilities_sections(srv):
    r = kvp(srv, service="CSW", version="2.0.2", request="DescribeRecord", typeName="csw:Record")
    root = xml_of(r)
    assert root.tag == "{%s}DescribeRecordResponse" % NS["csw"]
    comps = root.findall("csw:SchemaComponent", NS)
    assert [c.get("targetNamespace") for c in comps] == [NS["csw"]]
    assert comps[0].find("xsd:schema/xsd:element[@name='Record']", NS) is not None
    r = post(srv, """<csw:DescribeRecord xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW"
        version="2.0.2"><csw:TypeName>gmd:MD_Metadata</csw:TypeName></csw:DescribeRecord>""")
    assert [c.get("targetNamespace") for c in xml_of(r).findall("csw:SchemaComponent", NS)] == [NS["gmd"]]

    r = kvp(srv, service="CSW", request="GetCapabilities", sections="ServiceIdentification")
    root = xml_of(r)
    assert root.get("version") == "2.0.2"
    assert root.find("ows:ServiceIdentification", NS) is not None
    assert root.find("ows:OperationsMetadata", NS) is None
    assert root.find("ogc:Filter_Capabilities", NS) is not None
    r = post(srv, """<csw:GetCapabilities xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"
        xmlns:ows="http://www.opengis.net/ows" service="CSW"><ows:AcceptVersions><ows:Version>2.0.2</ows:Version>
        </ows:AcceptVersions></csw:GetCapabilities>""")
    assert xml_of(r).find("ows:OperationsMetadata", NS) is not None


def test_exception_reports(srv):
    assert exception(kvp(srv, service="CSW")) == ("MissingParameterValue", "request")
    assert exception(kvp(srv, request="GetCapabilities")) == ("MissingParameterValue", "service")
    assert exception(kvp(srv, service="WMS", request="GetCapabilities")) == ("InvalidParameterValue", "service")
    assert exception(kvp(srv, service="CSW", request="Transaction", version="2.0.2")) == \
        ("OperationNotSupported", "request")
    assert exception(kvp(srv, service="CSW", request="GetCapabilities", acceptversions="3.0.0")) == \
        ("VersionNegotiationFailed", "AcceptVersions")
    assert exception(kvp(srv, service="CSW", request="GetRecords", typeNames="csw:Record")) == \
        ("MissingParameterValue", "version")
    assert exception(kvp(srv, service="CSW", version="2.0.0", request="GetRecords")) == \
        ("InvalidParameterValue", "version")
    base = dict(service="CSW", version="2.0.2", request="GetRecords", typeNames="csw:Record")
    assert exception(kvp(srv, **base, elementSetName="huge")) == ("InvalidParameterValue", "ElementSetName")
    assert exception(kvp(srv, **base, outputSchema="urn:x")) == ("InvalidParameterValue", "outputSchema")
    assert exception(kvp(srv, **base, maxRecords="-1")) == ("InvalidParameterValue", "maxRecords")
    assert exception(kvp(srv, **base, startPosition="0")) == ("InvalidParameterValue", "startPosition")
    assert exception(kvp(srv, **base, constraint="x")) == ("MissingParameterValue", "constraintLanguage")
    assert exception(kvp(srv, **base, constraintLanguage="CQL_TEXT", constraint="dc:secret = 1")) == \
        ("InvalidParameterValue", "Constraint")
    assert exception(kvp(srv, **base, constraintLanguage="FILTER", constraint="<ogc:Filter")) == \
        ("InvalidParameterValue", "constraint")
    assert exception(kvp(srv, **{**base, "typeNames": "wfs:FeatureType"})) == ("InvalidParameterValue", "typeNames")
    assert exception(kvp(srv, **base, sortBy="dc:format:A")) == ("InvalidParameterValue", "sortBy")
    assert exception(kvp(srv, service="CSW", version="2.0.2", request="GetRecordById")) == \
        ("MissingParameterValue", "id")
    assert exception(post(srv, "<csw:GetRecords")) [0] == "InvalidParameterValue"
    assert exception(post(srv, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'))[0] == \
        "InvalidParameterValue"
    assert exception(post(srv, '<x xmlns="urn:other"/>')) == ("OperationNotSupported", "request")
    # A filter nested too deeply is refused, not walked.
    deep = "<ogc:Not>" * 40 + "<ogc:PropertyIsNull><ogc:PropertyName>dc:title</ogc:PropertyName></ogc:PropertyIsNull>" + "</ogc:Not>" * 40
    r = post(srv, get_records_xml(f"<csw:Constraint version=\"1.1.0\"><ogc:Filter>{deep}</ogc:Filter></csw:Constraint>"))
    assert exception(r) == ("InvalidParameterValue", "Constraint")


def test_drafts_only_for_those_who_may_see_them(srv):
    admin = srv.auth()
    anon = kvp(srv, service="CSW", version="2.0.2", request="GetRecords", typeNames="csw:Record",
               resultType="hits")
    assert results(xml_of(anon)).get("numberOfRecordsMatched") == "5"
    mine = kvp(srv, headers=admin, service="CSW", version="2.0.2", request="GetRecords",
               typeNames="csw:Record", resultType="hits")
    assert results(xml_of(mine)).get("numberOfRecordsMatched") == "6"
    by_id = dict(service="CSW", version="2.0.2", request="GetRecordById", id="luxembourg")
    assert list(xml_of(kvp(srv, **by_id))) == []
    assert ids_of(xml_of(kvp(srv, headers=admin, **by_id)), "csw:SummaryRecord") == ["luxembourg"]
    r = kvp(srv, service="CSW", version="2.0.2", request="GetRecords", typeNames="csw:Record",
            resultType="results", constraintLanguage="CQL_TEXT", constraint="dc:identifier = 'luxembourg'")
    assert results(xml_of(r)).get("numberOfRecordsMatched") == "0"
    # The capabilities carry the caller's key into the URLs they advertise.
    caps = xml_of(kvp(srv, service="CSW", request="GetCapabilities", tk=srv.admin_key))
    href = caps.find("ows:OperationsMetadata/ows:Operation/ows:DCP/ows:HTTP/ows:Post", NS) \
        .get("{http://www.w3.org/1999/xlink}href")
    assert href == csw_url(srv) + "?tk=" + srv.admin_key


def test_gate_refusals_are_exception_reports(fresh_server):
    s = fresh_server("--set", "security.require_key=true")
    r = s.get("/ogc/csw?service=CSW&request=GetCapabilities")
    assert exception(r, 401) == ("NoApplicableCode", "key-required")
    r = s.get("/ogc/csw?service=CSW&request=GetCapabilities", headers=s.auth())
    assert r.status == 200 and xml_of(r).tag == "{%s}Capabilities" % NS["csw"]

// The safe XML reader: tree building, namespaces, CDATA, helpers, error positions, limits and
// refusal of DTDs (external entities, billion laughs).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "xml/xml.hpp"

using namespace shikong;
using xml::Element;

namespace {

// The InvalidInput a document raises (fails the test when there is none).
InvalidInput invalid(std::string_view doc, const xml::Limits& limits = {}) {
  try {
    (void)xml::parse(doc, limits, "body");
  } catch (const InvalidInput& e) {
    return e;
  }
  ADD_FAILURE() << "no InvalidInput for: " << doc.substr(0, 80);
  return InvalidInput("none", "none");
}

PayloadTooLarge too_large(std::string_view doc, const xml::Limits& limits) {
  try {
    (void)xml::parse(doc, limits, "body");
  } catch (const PayloadTooLarge& e) {
    return e;
  }
  ADD_FAILURE() << "no PayloadTooLarge";
  return PayloadTooLarge("none", "none");
}

}  // namespace

TEST(XmlParse, NamespacesAttributesAndText) {
  Element root = xml::parse(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"
    xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink"
    service="CSW" version="2.0.2" resultType="results" maxRecords="5">
  <csw:Query typeNames="csw:Record">
    <csw:ElementSetName> full </csw:ElementSetName>
    <csw:Constraint version="1.1.0"><ogc:Filter><ogc:PropertyIsLike wildCard="%">
      <ogc:PropertyName>AnyText</ogc:PropertyName><ogc:Literal>%road%</ogc:Literal>
    </ogc:PropertyIsLike></ogc:Filter></csw:Constraint>
  </csw:Query>
  <link xlink:href="http://example.com/a?x=1&amp;y=2"/>
</csw:GetRecords>)");
  EXPECT_EQ(root.ns, xml::ns::csw);
  EXPECT_EQ(root.name, "GetRecords");
  EXPECT_EQ(root.prefix, "csw");
  EXPECT_EQ(root.attribute("maxRecords"), "5");
  EXPECT_EQ(root.attribute("service", ""), "CSW");
  EXPECT_EQ(root.attribute("service", xml::ns::csw), "");
  EXPECT_TRUE(root.has_attribute("resultType"));
  EXPECT_FALSE(root.has_attribute("outputSchema"));
  ASSERT_EQ(root.children.size(), 2u);

  const Element* query = root.child(xml::ns::csw, "Query");
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->attribute("typeNames"), "csw:Record");
  EXPECT_EQ(query->child_text(xml::ns::csw, "ElementSetName"), "full");
  EXPECT_EQ(query->child(xml::ns::csw, "ElementSetName")->text, " full ");
  EXPECT_EQ(query->child(xml::ns::ogc, "ElementSetName"), nullptr);
  EXPECT_NE(query->child("*", "ElementSetName"), nullptr);

  const Element* like = query->child(xml::ns::csw, "Constraint")
                            ->child(xml::ns::ogc, "Filter")
                            ->child("*", "PropertyIsLike");
  ASSERT_NE(like, nullptr);
  EXPECT_EQ(like->attribute("wildCard"), "%");
  EXPECT_EQ(like->child_text(xml::ns::ogc, "PropertyName"), "AnyText");
  EXPECT_EQ(like->child_text(xml::ns::ogc, "Literal"), "%road%");
  EXPECT_EQ(like->all_text(), "AnyText %road%");

  const Element* link = root.child("", "link");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->ns, "");
  ASSERT_EQ(link->attributes.size(), 1u);
  EXPECT_EQ(link->attributes[0].ns, xml::ns::xlink);
  EXPECT_EQ(link->attributes[0].name, "href");
  EXPECT_EQ(link->attribute("href", xml::ns::xlink), "http://example.com/a?x=1&y=2");
  EXPECT_EQ(link->attribute("href", ""), "");
}

TEST(XmlParse, DefaultNamespaceAndChildrenNamed) {
  Element root = xml::parse(
      R"(<Capabilities xmlns="http://www.opengis.net/wms" version="1.3.0"><Layer><Name>a</Name></Layer><Layer><Name>b</Name></Layer><x:Layer xmlns:x="urn:other"/></Capabilities>)");
  EXPECT_EQ(root.ns, xml::ns::wms);
  EXPECT_EQ(root.prefix, "");
  std::vector<const Element*> layers = root.children_named(xml::ns::wms, "Layer");
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0]->child_text(xml::ns::wms, "Name"), "a");
  EXPECT_EQ(layers[1]->child_text(xml::ns::wms, "Name"), "b");
  EXPECT_EQ(root.children_named("*", "Layer").size(), 3u);
  EXPECT_EQ(root.children_named("urn:other", "Layer").size(), 1u);
  // Unprefixed attributes have no namespace even under a default namespace.
  EXPECT_EQ(root.attribute("version", ""), "1.3.0");
}

TEST(XmlParse, CdataCommentsAndEntities) {
  Element root = xml::parse(
      "<a>one <![CDATA[<two> & three]]><!-- no --> four &lt;&#x5317;&#20140;&gt;<?pi x?></a>");
  EXPECT_EQ(root.text, "one <two> & three four <北京>");
  EXPECT_TRUE(root.children.empty());
}

TEST(XmlParse, ChineseTextIsPreserved) {
  Element root = xml::parse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><记录 标题=\"北京市主要道路\">"
      "<dc:title xmlns:dc=\"http://purl.org/dc/elements/1.1/\">  北京市 主要道路  </dc:title>"
      "</记录>");
  EXPECT_EQ(root.name, "记录");
  EXPECT_EQ(root.attribute("标题"), "北京市主要道路");
  EXPECT_EQ(root.child_text(xml::ns::dc, "title"), "北京市 主要道路");
  EXPECT_EQ(root.all_text(), "北京市 主要道路");
}

TEST(XmlParse, OtherEncodingsAreConvertedToUtf8) {
  // "北京" in GB18030 is B1 B1 BE A9.
  Element root = xml::parse("<?xml version=\"1.0\" encoding=\"GB18030\"?><t>\xB1\xB1\xBE\xA9</t>");
  EXPECT_EQ(root.text, "北京");
}

TEST(XmlParse, AllTextJoinsDescendantsWithSingleSpaces) {
  Element root = xml::parse("<r> a\n b <c>c1<d>  d </d></c><e/> tail </r>");
  // The element's own text (including text after children) comes first, then descendants.
  EXPECT_EQ(root.all_text(), "a b tail c1 d");
  EXPECT_EQ(root.child_text("", "e"), "");
  EXPECT_EQ(root.child_text("", "missing"), "");
}

TEST(XmlParse, MalformedNamesLineAndColumn) {
  InvalidInput e = invalid("<a>\n  <b>text</c>\n</a>");
  EXPECT_EQ(e.code(), "invalid-xml");
  EXPECT_EQ(e.parameter(), "body");
  EXPECT_EQ(e.detail(),
            "The XML document cannot be read at line 2, column 14: an end tag does not match its "
            "start tag.");

  EXPECT_EQ(invalid("").detail(),
            "The XML document cannot be read at line 1, column 1: the document is empty.");
  EXPECT_EQ(invalid("<a>").detail(),
            "The XML document cannot be read at line 1, column 4: an element is not closed.");
  EXPECT_EQ(invalid("<a/><b/>").detail(),
            "The XML document cannot be read at line 1, column 5: there is content after the root "
            "element.");
  EXPECT_EQ(invalid("<a>&nbsp;</a>").detail(),
            "The XML document cannot be read at line 1, column 10: an entity reference is not one "
            "of &lt; &gt; &amp; &quot; &apos; or a character reference.");
  EXPECT_EQ(invalid("<a x='1' x='2'/>").detail(),
            "The XML document cannot be read at line 1, column 15: an attribute is given twice.");
  EXPECT_EQ(invalid("<gml:Point/>").detail(),
            "The XML document cannot be read at line 1, column 11: a namespace prefix is used "
            "without being declared.");
  EXPECT_EQ(invalid(std::string("<a>\xff</a>")).code(), "invalid-xml");
  EXPECT_EQ(invalid("not xml at all").code(), "invalid-xml");
}

TEST(XmlParse, ParameterIsNamed) {
  try {
    (void)xml::parse("<a>", {}, "request");
    FAIL();
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.parameter(), "request");
  }
}

TEST(XmlParse, ExternalEntityIsRefused) {
  InvalidInput e = invalid(R"(<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<r>&x;</r>)");
  EXPECT_EQ(e.code(), "invalid-xml");
  EXPECT_EQ(e.detail(),
            "The XML document declares a DTD of its own (line 2); documents with an internal "
            "DTD subset are not accepted.");
  EXPECT_EQ(e.detail().find("root:"), std::string::npos);
}

TEST(XmlParse, ExternalDtdIsNeverLoaded) {
  // WMS 1.1.1 capabilities name their DTD; it is not fetched (port 1 would fail) and can
  // declare nothing, so an entity it might define stays unknown.
  auto caps = xml::parse(
      "<!DOCTYPE WMT_MS_Capabilities SYSTEM "
      "\"http://127.0.0.1:1/capabilities_1_1_1.dtd\">\n<WMT_MS_Capabilities version=\"1.1.1\">"
      "<Service><Name>OGC:WMS</Name></Service></WMT_MS_Capabilities>");
  EXPECT_EQ(caps.name, "WMT_MS_Capabilities");
  EXPECT_EQ(caps.child_text("", "Service"), "");
  EXPECT_EQ(caps.child("", "Service")->child_text("", "Name"), "OGC:WMS");
  try {
    auto r = xml::parse("<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><r>a&x;b</r>");
    EXPECT_EQ(r.text.find("root:"), std::string::npos);
    EXPECT_EQ(r.all_text().find("root:"), std::string::npos);
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.code(), "invalid-xml");
  }
  EXPECT_EQ(xml::parse("<!DOCTYPE html><html/>").name, "html");
}

TEST(XmlParse, BillionLaughsIsRefused) {
  std::string doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  doc += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    std::string prev = "&lol" + std::to_string(i - 1) + ";";
    doc += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) doc += prev;
    doc += "\">\n";
  }
  doc += "]>\n<lolz>&lol9;</lolz>";
  EXPECT_EQ(invalid(doc).detail(),
            "The XML document declares a DTD of its own (line 2); documents with an internal "
            "DTD subset are not accepted.");
}

TEST(XmlParse, SizeLimit) {
  xml::Limits limits;
  limits.max_bytes = 16;
  EXPECT_EQ(xml::parse("<a>012345678</a>", limits).text, "012345678");  // 16 bytes
  PayloadTooLarge e = too_large("<a>0123456789</a>", limits);
  EXPECT_EQ(e.code(), "xml-too-large");
  EXPECT_EQ(e.detail(), "The XML document is larger than 16 bytes.");
}

TEST(XmlParse, DepthLimit) {
  xml::Limits limits;
  limits.max_depth = 3;
  EXPECT_EQ(xml::parse("<a><b><c/></b></a>", limits).children.size(), 1u);
  PayloadTooLarge e = too_large("<a><b><c><d/></c></b></a>", limits);
  EXPECT_EQ(e.detail(), "The XML document nests elements deeper than 3 levels.");
  // The default depth stops a deeply nested document.
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<e>";
  for (int i = 0; i < 100; ++i) deep += "</e>";
  EXPECT_EQ(too_large(deep, {}).detail(), "The XML document nests elements deeper than 64 levels.");
}

TEST(XmlParse, NodeLimitCountsElementsAndAttributes) {
  xml::Limits limits;
  limits.max_nodes = 4;
  EXPECT_EQ(xml::parse("<a x='1'><b/><c/></a>", limits).children.size(), 2u);
  EXPECT_EQ(too_large("<a x='1' y='2'><b/><c/></a>", limits).detail(),
            "The XML document has more than 4 elements and attributes.");

  std::string many = "<a>";
  for (int i = 0; i < 3000; ++i) many += "<b x='1'/>";
  many += "</a>";
  limits.max_nodes = 5000;
  EXPECT_EQ(too_large(many, limits).detail(),
            "The XML document has more than 5000 elements and attributes.");
  EXPECT_EQ(xml::parse(many).children.size(), 3000u);
}

TEST(XmlParse, AttributeCountPerElementIsLimitedBeforeParsing) {
  std::string many = "<a";
  for (int i = 0; i < 1001; ++i) many += " a" + std::to_string(i) + "='v=w'";
  many += "/>";
  EXPECT_EQ(too_large(many, {}).detail(),
            "An element of the XML document has more than 1000 attributes.");
  // '=' in values, text, comments and CDATA is not counted.
  xml::Limits limits;
  limits.max_attributes = 2;
  Element e = xml::parse(
      "<a x='=' y=\"==\"><!-- = = = --><b z='1'>= = =<![CDATA[= = =]]></b><?p a=1 b=2 c=3?></a>",
      limits);
  EXPECT_EQ(e.attribute("y"), "==");
  EXPECT_EQ(too_large("<a x='1' y='2' z='3'/>", limits).detail(),
            "An element of the XML document has more than 2 attributes.");
}

TEST(XmlParse, CapabilitiesFragment) {
  Element root = xml::parse(R"(<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd">
  <Service>
    <Name>WMS</Name>
    <Title>中国省级行政区 Provinces of China</Title>
    <KeywordList><Keyword>行政区划</Keyword><Keyword>boundaries</Keyword></KeywordList>
    <OnlineResource xlink:type="simple" xlink:href="http://localhost:8080/ogc/wms"/>
  </Service>
  <Capability>
    <Layer>
      <Title>shikong</Title>
      <CRS>EPSG:4490</CRS>
      <Layer queryable="1">
        <Name>china_provinces</Name>
        <Title>省级行政区</Title>
        <EX_GeographicBoundingBox>
          <westBoundLongitude>73.5</westBoundLongitude>
          <eastBoundLongitude>135.1</eastBoundLongitude>
          <southBoundLatitude>18.1</southBoundLatitude>
          <northBoundLatitude>53.6</northBoundLatitude>
        </EX_GeographicBoundingBox>
      </Layer>
    </Layer>
  </Capability>
</WMS_Capabilities>)");
  EXPECT_EQ(root.name, "WMS_Capabilities");
  EXPECT_EQ(root.attribute("schemaLocation", xml::ns::xsi).substr(0, 26),
            "http://www.opengis.net/wms");
  const Element* service = root.child(xml::ns::wms, "Service");
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->child_text(xml::ns::wms, "Title"), "中国省级行政区 Provinces of China");
  EXPECT_EQ(service->child(xml::ns::wms, "KeywordList")->all_text(), "行政区划 boundaries");
  EXPECT_EQ(service->child(xml::ns::wms, "OnlineResource")->attribute("href", xml::ns::xlink),
            "http://localhost:8080/ogc/wms");
  const Element* layer = root.child(xml::ns::wms, "Capability")
                             ->child(xml::ns::wms, "Layer")
                             ->child(xml::ns::wms, "Layer");
  ASSERT_NE(layer, nullptr);
  EXPECT_EQ(layer->attribute("queryable"), "1");
  EXPECT_EQ(layer->child_text(xml::ns::wms, "Name"), "china_provinces");
  const Element* box = layer->child(xml::ns::wms, "EX_GeographicBoundingBox");
  EXPECT_EQ(box->child_text(xml::ns::wms, "westBoundLongitude"), "73.5");
  EXPECT_EQ(box->child_text(xml::ns::wms, "northBoundLatitude"), "53.6");
}

TEST(XmlParse, ConcurrentParsesKeepTheirOwnErrors) {
  // Each thread's error names its own line: errors are captured per parse, not globally.
  constexpr int threads_n = 4;
  std::vector<std::thread> threads;
  std::vector<std::string> details(threads_n);
  std::vector<int> differing(threads_n, 0);
  for (int t = 0; t < threads_n; ++t) {
    threads.emplace_back([t, &details, &differing] {
      auto i = static_cast<std::size_t>(t);
      std::string doc = "<a>" + std::string(static_cast<std::size_t>(t), '\n') + "</b>";
      for (int round = 0; round < 200; ++round) {
        try {
          (void)xml::parse(doc);
          ++differing[i];
        } catch (const InvalidInput& e) {
          if (round == 0) details[i] = e.detail();
          if (e.detail() != details[i]) ++differing[i];
        }
        (void)xml::parse("<ok><x y='1'/></ok>");
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < threads_n; ++t) {
    auto i = static_cast<std::size_t>(t);
    EXPECT_EQ(differing[i], 0) << t;
    // libxml2 reports the column just past the end tag ("<a></b>" on line 1, "</b>" later).
    EXPECT_EQ(details[i], "The XML document cannot be read at line " + std::to_string(t + 1) +
                              ", column " + (t == 0 ? "8" : "5") +
                              ": an end tag does not match its start tag.")
        << t;
  }
}

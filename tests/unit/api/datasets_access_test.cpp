// The dataset routes with a security service: who may upload, the uploader as owner, who may
// see, change and delete, grants of restricted datasets, jobs visible to their owner, and the
// audit trail of access changes and deletions.
#include "gate_fixture.hpp"

namespace shikong::api::testing {
namespace {

const std::string kCsv = "name,lon,lat\nA,116.1,39.9\nB,121.5,31.2\n";

class DatasetAccessTest : public GateTest {
 protected:
  Result upload(Client& c, std::string id, std::string access = "public",
                std::string replace = "false") {
    return call(c, "POST", "/api/v1/datasets", kCsv,
                {{"id", id}, {"access", access}, {"replace", replace}}, "text/csv");
  }
  // A committed dataset, as the import job would leave it.
  void make_dataset(std::string id, std::string owner, std::string access) {
    storage::DatasetInfo draft;
    draft.id = id;
    draft.title = id;
    draft.owner = owner;
    draft.access = access;
    draft.geometry_type = geo::GeometryType::point;
    auto session = store_->begin_import(draft);
    session->commit();
  }
  std::vector<std::string> listed(Client& c) {
    auto r = get(c, "/api/v1/datasets");
    std::vector<std::string> ids;
    for (auto d : r.json["datasets"].get_array())
      ids.emplace_back(std::string_view(d["id"].get_string().value()));
    return ids;
  }
};

TEST_F(DatasetAccessTest, UploadNeedsPublisherAndRecordsTheOwner) {
  start();
  make_user("uma", "user");
  make_user("pat", "publisher");
  Client anon;
  auto a = upload(anon, "roads");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.code(), "unauthenticated");
  Client user = signed_in("uma", "uma-password-1");
  auto u = upload(user, "roads");
  EXPECT_EQ(u.status, 403);
  EXPECT_EQ(u.code(), "forbidden");
  EXPECT_EQ(jobs_->submitted, 0);

  Client pub = signed_in("pat", "pat-password-1");
  auto ok = upload(pub, "roads");
  ASSERT_EQ(ok.status, 202) << ok.response.body;
  EXPECT_EQ(jobs_->options.owner, "pat");
  EXPECT_EQ(store_->find_job(ok.str("id"))->owner, "pat");

  // Jobs: the owner and admins see it, others do not.
  const std::string job = "/api/v1/jobs/" + ok.str("id");
  EXPECT_EQ(get(pub, job).status, 200);
  EXPECT_EQ(get(user, job).status, 404);
  EXPECT_EQ(get(anon, job).status, 404);
  Client admin = signed_in("root", "root-password-1");
  EXPECT_EQ(get(admin, job).status, 200);

  auto audit = get(admin, "/api/v1/admin/audit", {{"action", "upload"}});
  ASSERT_EQ(audit.json["events"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(audit.json["events"].at(0)["actor"].get_string().value()), "pat");
  EXPECT_EQ(std::string_view(audit.json["events"].at(0)["target"].get_string().value()), "roads");
}

TEST_F(DatasetAccessTest, ReplacingSomeoneElsesDatasetIsRefused) {
  start();
  make_user("pat", "publisher");
  make_user("pia", "publisher");
  make_dataset("shared", "pia", "public");
  make_dataset("secret", "pia", "private");
  Client pat = signed_in("pat", "pat-password-1");
  EXPECT_EQ(upload(pat, "shared", "public", "true").status, 403);
  EXPECT_EQ(upload(pat, "secret", "public", "true").status, 409);
  EXPECT_EQ(upload(pat, "shared").status, 409);
  Client pia = signed_in("pia", "pia-password-1");
  EXPECT_EQ(upload(pia, "shared", "public", "true").status, 202);
  EXPECT_EQ(jobs_->submitted, 1);
}

TEST_F(DatasetAccessTest, VisibilityChangesAndDeletes) {
  start();
  make_user("pat", "publisher");
  make_user("uma", "user", R"(["survey"])");
  make_dataset("open", "pat", "public");
  make_dataset("members", "pat", "registered");
  make_dataset("mine", "pat", "private");
  make_dataset("team", "pat", "restricted");
  Client anon;
  Client pat = signed_in("pat", "pat-password-1");
  Client uma = signed_in("uma", "uma-password-1");
  Client admin = signed_in("root", "root-password-1");

  EXPECT_EQ(listed(anon), (std::vector<std::string>{"open"}));
  // Answers to a signed-in caller stay out of shared caches.
  EXPECT_EQ(get(anon, "/api/v1/datasets").header("Cache-Control"), "");
  EXPECT_EQ(get(uma, "/api/v1/datasets").header("Cache-Control"), "private");
  EXPECT_EQ(listed(uma), (std::vector<std::string>{"members", "open"}));
  EXPECT_EQ(listed(pat), (std::vector<std::string>{"members", "mine", "open", "team"}));
  EXPECT_EQ(get(anon, "/api/v1/datasets/members").status, 404);
  EXPECT_EQ(get(uma, "/api/v1/datasets/mine").status, 404);
  EXPECT_EQ(get(admin, "/api/v1/datasets/mine").status, 200);

  // Not readable: 404; readable but not the owner's: 403.
  EXPECT_EQ(call(uma, "PATCH", "/api/v1/datasets/mine", R"({"title":"x"})").status, 404);
  auto f = call(uma, "PATCH", "/api/v1/datasets/open", R"({"title":"x"})");
  EXPECT_EQ(f.status, 403);
  EXPECT_EQ(f.code(), "forbidden");
  EXPECT_EQ(call(anon, "DELETE", "/api/v1/datasets/open").status, 403);
  EXPECT_EQ(call(uma, "DELETE", "/api/v1/datasets/team").status, 404);

  // Grants: the owner gives uma's group access to the restricted dataset.
  EXPECT_EQ(get(uma, "/api/v1/datasets/team/grants").status, 404);
  EXPECT_EQ(get(uma, "/api/v1/datasets/open/grants").status, 403);
  auto g0 = get(pat, "/api/v1/datasets/team/grants");
  ASSERT_EQ(g0.status, 200) << g0.response.body;
  EXPECT_EQ(g0.json["grants"].get_array().size(), 0u);
  auto put = call(pat, "PUT", "/api/v1/datasets/team/grants",
                  R"({"grants":[{"kind":"group","grantee":"survey"}]})");
  ASSERT_EQ(put.status, 200) << put.response.body;
  ASSERT_EQ(put.json["grants"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(put.json["grants"].at(0)["kind"].get_string().value()), "group");
  EXPECT_EQ(std::string_view(put.json["grants"].at(0)["grantee"].get_string().value()), "survey");
  EXPECT_EQ(get(uma, "/api/v1/datasets/team").status, 200);
  EXPECT_EQ(listed(uma), (std::vector<std::string>{"members", "open", "team"}));
  // Readable through the grant, still not writable.
  EXPECT_EQ(call(uma, "PUT", "/api/v1/datasets/team/grants", R"({"grants":[]})").status, 403);

  // Bad grant bodies name the member.
  for (const char* body :
       {R"({"grants":[{"kind":"planet","grantee":"x"}]})", R"({"grants":[{"kind":"user"}]})",
        R"({"grants":[{"kind":"user","grantee":"x","extra":1}]})",
        R"({"grants":{"kind":"user"}})"}) {
    auto r = call(pat, "PUT", "/api/v1/datasets/team/grants", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.parameter(), "grants") << body;
  }
  EXPECT_EQ(call(pat, "PUT", "/api/v1/datasets/team/grants", R"({"grant":[]})").parameter(),
            "grant");

  // Access change, audited.
  auto p = call(pat, "PATCH", "/api/v1/datasets/mine", R"({"access":"public"})", {},
                "application/merge-patch+json");
  ASSERT_EQ(p.status, 200) << p.response.body;
  EXPECT_EQ(get(anon, "/api/v1/datasets/mine").status, 200);
  auto changes = get(admin, "/api/v1/admin/audit", {{"action", "access-change"}});
  ASSERT_EQ(changes.json["events"].get_array().size(), 1u);
  const auto ev = changes.json["events"].at(0);
  EXPECT_EQ(std::string_view(ev["actor"].get_string().value()), "pat");
  EXPECT_EQ(std::string_view(ev["target"].get_string().value()), "mine");
  EXPECT_EQ(std::string_view(ev["detail"]["from"].get_string().value()), "private");
  EXPECT_EQ(std::string_view(ev["detail"]["to"].get_string().value()), "public");

  // Delete: audited, and the grants are forgotten.
  EXPECT_EQ(call(pat, "DELETE", "/api/v1/datasets/team").status, 204);
  EXPECT_TRUE(security_->grants("team").empty());
  auto deletes = get(admin, "/api/v1/admin/audit", {{"action", "dataset-delete"}});
  ASSERT_EQ(deletes.json["events"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(deletes.json["events"].at(0)["target"].get_string().value()), "team");
  // Admins change anyone's datasets.
  EXPECT_EQ(call(admin, "DELETE", "/api/v1/datasets/members").status, 204);
}

TEST_F(DatasetAccessTest, AGivenCanReadHookWins) {
  start();
  // The hook replaces the service's rule for list and read.
  make_dataset("mine", "root", "private");
  router_ = std::make_unique<protocol::Router>();
  ApiContext ctx{*store_, *jobs_, dir_ / "uploads", {}};
  ctx.security = security_.get();
  ctx.can_read = [](const protocol::Request&, const storage::DatasetInfo&) { return true; };
  register_api_routes(*router_, ctx);
  Client anon;
  EXPECT_EQ(get(anon, "/api/v1/datasets/mine").status, 200);
  // Changing still needs can_write.
  EXPECT_EQ(call(anon, "DELETE", "/api/v1/datasets/mine").status, 403);
}

}  // namespace
}  // namespace shikong::api::testing

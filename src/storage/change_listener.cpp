// The forwarding Store behind with_change_listener: only the writes are intercepted.
#include "storage/change_listener.hpp"

#include <utility>

namespace shikong::storage {
namespace {

class ListenedSession final : public ImportSession {
 public:
  ListenedSession(std::unique_ptr<ImportSession> inner, const DatasetChanged& listener)
      : inner_(std::move(inner)), listener_(listener) {}
  void write(const Feature& f) override { inner_->write(f); }
  DatasetInfo commit() override {
    DatasetInfo info = inner_->commit();
    listener_(info.id, info.version);
    return info;
  }
  void abort() override { inner_->abort(); }
  std::int64_t written() const override { return inner_->written(); }

 private:
  std::unique_ptr<ImportSession> inner_;
  const DatasetChanged& listener_;
};

class ListenedStore final : public Store {
 public:
  ListenedStore(std::unique_ptr<Store> inner, DatasetChanged listener)
      : inner_(std::move(inner)), listener_(std::move(listener)) {}

  std::vector<DatasetInfo> list_datasets() override { return inner_->list_datasets(); }
  std::optional<DatasetInfo> find_dataset(std::string_view id) override {
    return inner_->find_dataset(id);
  }
  std::unique_ptr<ImportSession> begin_import(const DatasetInfo& draft) override {
    return std::make_unique<ListenedSession>(inner_->begin_import(draft), listener_);
  }
  DatasetInfo update_dataset(std::string_view id, const DatasetPatch& patch) override {
    DatasetInfo info = inner_->update_dataset(id, patch);
    listener_(info.id, info.version);
    return info;
  }
  void delete_dataset(std::string_view id) override {
    inner_->delete_dataset(id);
    listener_(id, std::nullopt);
  }
  std::unique_ptr<FeatureCursor> query(const DatasetInfo& ds, const FeatureQuery& q) override {
    return inner_->query(ds, q);
  }
  std::int64_t count(const DatasetInfo& ds, const FeatureQuery& q) override {
    return inner_->count(ds, q);
  }
  void save_job(const Job& job) override { inner_->save_job(job); }
  std::optional<Job> find_job(std::string_view id) override { return inner_->find_job(id); }
  std::vector<StoredStyle> list_styles(std::string_view dataset_id) override {
    return inner_->list_styles(dataset_id);
  }
  std::optional<StoredStyle> find_style(std::string_view dataset_id,
                                        std::string_view name) override {
    return inner_->find_style(dataset_id, name);
  }
  void save_style(const StoredStyle& style) override { inner_->save_style(style); }
  bool delete_style(std::string_view dataset_id, std::string_view name) override {
    return inner_->delete_style(dataset_id, name);
  }
  std::optional<std::filesystem::path> dataset_file(std::string_view id) override {
    return inner_->dataset_file(id);
  }

 private:
  std::unique_ptr<Store> inner_;
  DatasetChanged listener_;
};

}  // namespace

std::unique_ptr<Store> with_change_listener(std::unique_ptr<Store> inner, DatasetChanged listener) {
  return std::make_unique<ListenedStore>(std::move(inner), std::move(listener));
}

}  // namespace shikong::storage

#include "data/demo_catalog.h"

#include "common/status_macros.h"
#include "data/embedded_catalog_writer.h"
#include "spdlog/spdlog.h"

namespace vitrina::data {

absl::Status GenerateDemoCatalog(const std::string& path, const DemoCatalogSpec& spec) {
  ASSIGN_OR_RETURN(std::unique_ptr<DemoDataSource> demo, DemoDataSource::Create(spec));
  RETURN_IF_ERROR(WriteEmbeddedCatalog(*demo, path));
  spdlog::info("wrote demo catalog {} ({})", path, demo->Name());
  return absl::OkStatus();
}

}  // namespace vitrina::data

#pragma once

#include "data/demo_data_source.h"
#include "server/server_config.h"

namespace vitrina::server {

// What the demo generator is given for `demo`: the catalog it writes is a function of these alone,
// so a test can regenerate the truth behind the catalog a server generated.
inline data::DemoCatalogSpec DemoSpecOf(const DemoCatalogConfig& demo) {
  data::DemoCatalogSpec spec;
  spec.seed = demo.seed;
  spec.users = demo.users;
  spec.titles = demo.titles;
  spec.interactions = demo.interactions;
  return spec;
}

}  // namespace vitrina::server

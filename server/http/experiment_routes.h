#pragma once

#include "server/admin_core.h"
#include "server/http/route_table.h"

namespace vitrina::server::http {

// The experiments' Admin calls over HTTP (admin token when one is configured):
//   GET  /admin/experiments                -> ListExperimentsResponse
//   GET  /admin/experiments/{name}         -> Experiment
//   POST /admin/experiments                -> CreateExperiment (body: CreateExperimentRequest)
//   POST /admin/experiments/{name}/stop    -> StopExperiment
//   GET  /admin/experiments/{name}/report  -> ExperimentReport
void AddExperimentRoutes(RouteTable& routes, AdminCore& admin);

}  // namespace vitrina::server::http

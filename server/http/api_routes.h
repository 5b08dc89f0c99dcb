#pragma once

#include "server/admin_core.h"
#include "server/http/route_table.h"
#include "server/http/training_waiter.h"
#include "server/recommender_core.h"

namespace vitrina::server::http {

// The HTTP/JSON form of the Recommender and Admin services: each route parses its query, path
// or JSON body into the gRPC request message, calls the core, and renders the response message.
// Route names (the metrics' `method` label) are the gRPC method names.
void AddApiRoutes(RouteTable& routes, RecommenderCore& recommender, AdminCore& admin, TrainingWaiter& trainings);

// GET ?title_id=&k=&exclude_title_ids=; shared with the legacy alias /titles/relavant.
RouteHandler GetTitleRelevantHandler(RecommenderCore& core);

}  // namespace vitrina::server::http

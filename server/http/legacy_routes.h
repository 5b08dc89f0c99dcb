#pragma once

#include "server/admin_core.h"
#include "server/http/route_table.h"
#include "server/http/training_waiter.h"
#include "server/recommender_core.h"

namespace vitrina::server::http {

// The paths of the Python service Vitrina replaces, so that its clients switch without a change:
// GET /titles/relavant (sic), GET /rec/hot/interact, GET /admin/train, GET /admin/schedule-training.
// Its other paths are the same as the API's and need no alias. Route names start with "Legacy",
// so the metrics tell when the last old client is gone.
void AddLegacyRoutes(RouteTable& routes, RecommenderCore& recommender, AdminCore& admin, TrainingWaiter& trainings);

}  // namespace vitrina::server::http

#pragma once

#include "server/http/route_table.h"
#include "server/recommender_core.h"

namespace vitrina::server::http {

// The classic next-track protocol, so existing players and simulators switch unchanged:
//   POST /next/{user} {"track": <int>, "time": <0..1>} -> {"user": <int>, "track": <int>}
//     (+ "experiments": {"NAME": "ARM", ...} when the user is in running experiments)
//   POST /last/{user} {"track": <int>, "time": <0..1>} -> {"user": <int>}
// `track` is the title just played and `time` the share of it played; /next answers the title to
// play next (from the user's implicit session; `?policy=NAME` picks a policy), /last ends the
// session. Ids are JSON integers in and out (never strings or floats), 0 included. Route names
// start with "Classic".
void AddSessionRoutes(RouteTable& routes, RecommenderCore& recommender);

}  // namespace vitrina::server::http

// Load benchmark of the classic next-track route POST /next/{user} of a running vitrina-server:
// listeners play sessions of 20 tracks ended by POST /last (each answer is the next call's track,
// the played share cycles through 0.9, 0.5, 0.1, 0.75, 0.2), first serially on one keep-alive connection (latency percentiles),
// then on `connections` connections at once (requests per second).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "CLI/CLI.hpp"
#include "fmt/format.h"

namespace {

struct Listener {
  std::string host;
  int port = 0;
  std::string policy;
  int64_t first_track = 1;

  // Plays `calls` calls of user `user`'s sessions; the latency of each in micros.
  std::vector<double> Play(int64_t user, int calls, std::atomic<int64_t>& failed) const {
    httplib::Client client(host, port);
    client.set_keep_alive(true);
    // httplib writes a POST's headers and body in two writes: with Nagle on, the body waits for
    // the server's delayed ACK of the headers (~40 ms per call, which is what the bench measured).
    client.set_tcp_nodelay(true);
    const std::string target = policy.empty() ? fmt::format("/next/{}", user) : fmt::format("/next/{}?policy={}", user, policy);
    const double played[] = {0.9, 0.5, 0.1, 0.75, 0.2};
    std::vector<double> micros;
    micros.reserve(static_cast<size_t>(calls));
    int64_t track = first_track;
    const std::string last = fmt::format("/last/{}", user);
    for (int i = 0; i < calls; ++i) {
      if (i % 20 == 19) {  // sessions of 20 tracks, ended as a player ends them (not timed)
        client.Post(last.c_str(), fmt::format(R"({{"track": {}, "time": 1}})", track), "application/json");
        track = first_track;
      }
      const std::string body = fmt::format(R"({{"track": {}, "time": {}}})", track, played[i % 5]);
      const auto start = std::chrono::steady_clock::now();
      httplib::Result result = client.Post(target.c_str(), body, "application/json");
      micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
      if (!result || result->status != 200) {
        if (failed.fetch_add(1) < 3) {
          std::fprintf(stderr, "POST %s: %s\n", target.c_str(),
                       result ? result->body.c_str() : httplib::to_string(result.error()).c_str());
        }
        continue;
      }
      const size_t at = result->body.find("\"track\": ");
      if (at != std::string::npos) track = std::stoll(result->body.substr(at + 9));
    }
    return micros;
  }
};

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Times POST /next/{user} of a running vitrina-server (serial latency, then concurrent throughput)");
  Listener listener;
  int serial = 5000;
  int requests = 20000;
  int connections = 32;
  int64_t users = 1000;
  app.add_option("--port", listener.port, "the server's HTTP port")->required();
  app.add_option("--host", listener.host, "the server's address");
  app.add_option("--policy", listener.policy, "a sessions.policies name (default: the server's default)");
  app.add_option("--track", listener.first_track, "a title id the model knows, where sessions start");
  app.add_option("--serial", serial, "serial requests");
  app.add_option("--requests", requests, "concurrent requests in all");
  app.add_option("--connections", connections, "concurrent keep-alive connections (4 x 8 = 32)");
  app.add_option("--users", users, "distinct users, in turn");
  CLI11_PARSE(app, argc, argv);

  std::atomic<int64_t> failed{0};
  listener.Play(0, std::max(serial / 10, 1), failed);  // warm-up
  std::vector<double> latency;
  for (int64_t user = 1; static_cast<int>(latency.size()) < serial; ++user) {
    std::vector<double> session = listener.Play(user % users, 20, failed);
    latency.insert(latency.end(), session.begin(), session.end());
  }
  fmt::print("serial: {} requests, p50 {:.0f} us, p99 {:.0f} us, p99.9 {:.0f} us, max {:.0f} us\n", latency.size(),
             Percentile(latency, 0.5), Percentile(latency, 0.99), Percentile(latency, 0.999), Percentile(latency, 1.0));

  std::vector<std::thread> threads;
  std::vector<std::vector<double>> per_connection(static_cast<size_t>(connections));
  const int per = std::max(requests / connections, 1);
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] { per_connection[static_cast<size_t>(c)] = listener.Play(1000 + c % users, per, failed); });
  }
  for (std::thread& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (const auto& part : per_connection) all.insert(all.end(), part.begin(), part.end());
  fmt::print("concurrent: {} connections, {} requests in {:.2f} s: {:.0f} req/s, p50 {:.0f} us, p99 {:.0f} us\n",
             connections, all.size(), seconds, static_cast<double>(all.size()) / seconds, Percentile(all, 0.5),
             Percentile(all, 0.99));
  fmt::print("failed: {}\n", failed.load());
  return failed.load() == 0 ? 0 : 1;
}

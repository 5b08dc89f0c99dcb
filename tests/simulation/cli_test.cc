// Runs the real vitrina-simulate binary against an in-test server of the classic next-track
// protocol (a test double: the real server's /next is not needed to check the simulator).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "data/demo_catalog.h"
#include "data/demo_data_source.h"
#include "data/sqlite_data_source.h"
#include "fmt/format.h"
#include "httplib.h"
#include "tests/testing/local_process.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::simulation {
namespace {

using ::vitrina::testing::CommandResult;
using Json = nlohmann::json;

// A JSON text parsed without exceptions: a discarded value (`is_discarded()`) when it is not JSON.
Json ParseReport(const std::string& text) { return Json::parse(text, nullptr, /*allow_exceptions=*/false); }

// The classic protocol with a few fixed policies, chosen by ?policy=:
//   interest: the catalog's next title (by id) sharing the session's start title's first genre,
//             never one already answered; each reply carries {"experiments": {"parity": even|odd}}
//   random:   a uniformly random title
//   broken:   HTTP 500;  floaty: "track" as 3.0;  unknown: a title outside the catalog;
//   slow:     like random, 50 ms late.
// A session starts at a user's first /next (the track is the listener's own start title) and ends
// at /last.
class ClassicProtocolDouble {
 public:
  explicit ClassicProtocolDouble(std::vector<data::TitleRecord> titles) : titles_(std::move(titles)) {
    server_.Post(R"(/next/(\d+))", [this](const httplib::Request& request, httplib::Response& response) {
      Next(request, response);
    });
    server_.Post(R"(/last/(\d+))", [this](const httplib::Request& request, httplib::Response& response) {
      const int64_t user = std::stoll(request.matches[1]);
      {
        std::lock_guard lock(mutex_);
        sessions_.erase({request.get_param_value("policy"), user});
      }
      response.set_content(fmt::format(R"({{"user": {}}})", user), "application/json");
    });
    // As the real server does: a reply written in two segments would wait for a delayed ACK.
    server_.set_tcp_nodelay(true);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ClassicProtocolDouble() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }

 private:
  struct Session {
    std::string genre;
    std::set<int64_t> answered;
  };

  const data::TitleRecord* Find(int64_t id) const {
    for (const data::TitleRecord& title : titles_) {
      if (title.id == id) return &title;
    }
    return nullptr;
  }

  void Next(const httplib::Request& request, httplib::Response& response) {
    const int64_t user = std::stoll(request.matches[1]);
    const std::string policy = request.get_param_value("policy");
    const Json body = ParseReport(request.body);
    const bool well_formed = body.is_object() && body.contains("track") && body["track"].is_number_integer() &&
                             body.contains("time") && body["time"].is_number();
    if (!well_formed || body["time"].get<double>() < 0 || body["time"].get<double>() > 1) {
      response.status = 400;
      response.set_content(R"({"code": 3, "message": "bad body"})", "application/json");
      return;
    }
    std::lock_guard lock(mutex_);
    int64_t answer = 0;
    std::string extra;
    if (policy == "interest") {
      Session& session = sessions_[{policy, user}];
      if (session.genre.empty()) session.genre = Find(body["track"].get<int64_t>())->genres.front();
      session.answered.insert(body["track"].get<int64_t>());
      for (const data::TitleRecord& title : titles_) {
        if (title.available && !session.answered.count(title.id) &&
            std::find(title.genres.begin(), title.genres.end(), session.genre) != title.genres.end()) {
          answer = title.id;
          break;
        }
      }
      session.answered.insert(answer);
      extra = fmt::format(R"(, "experiments": {{"parity": "{}"}})", user % 2 ? "odd" : "even");
    } else if (policy == "random" || policy == "slow") {
      if (policy == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(50));
      answer = titles_[random_() % titles_.size()].id;
    } else if (policy == "broken") {
      response.status = 500;
      response.set_content(R"({"code": 13, "message": "policy broken failed"})", "application/json");
      return;
    } else if (policy == "floaty") {
      response.set_content(fmt::format(R"({{"user": {}, "track": 3.0}})", user), "application/json");
      return;
    } else if (policy == "unknown") {
      answer = 987654321;
    } else {
      response.status = 404;
      return;
    }
    response.set_content(fmt::format(R"({{"user": {}, "track": {}{}}})", user, answer, extra),
                         "application/json");
  }

  std::vector<data::TitleRecord> titles_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int64_t>, Session> sessions_;
  std::mt19937_64 random_{12345};
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

class SimulateCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ::vitrina::testing::TempDir();
    data::DemoCatalogSpec spec;
    spec.users = 200;
    spec.titles = 600;
    spec.interactions = 10;
    ASSERT_TRUE(data::GenerateDemoCatalog(dir_->File("catalog.db"), spec).ok());
    absl::StatusOr<std::unique_ptr<data::SqliteDataSource>> source =
        data::SqliteDataSource::Open(dir_->File("catalog.db"));
    ASSERT_TRUE(source.ok());
    std::vector<data::TitleRecord> titles;
    ASSERT_TRUE((*source)->ReadTitles([&](const data::TitleRecord& title) {
      titles.push_back(title);
      return absl::OkStatus();
    }).ok());
    server_ = new ClassicProtocolDouble(std::move(titles));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static CommandResult Run(const std::string& arguments) {
    // The test catalog unless the arguments name another.
    const std::string catalog = arguments.find("--catalog") == std::string::npos
                                    ? "--catalog " + dir_->File("catalog.db")
                                    : "";
    return ::vitrina::testing::RunCommand(
        fmt::format("{}/vitrina-simulate {} {}", VITRINA_BINARY_DIR, catalog, arguments));
  }

  static std::string Http() { return fmt::format("--http 127.0.0.1:{}", server_->port()); }

  static ::vitrina::testing::TempDir* dir_;
  static ClassicProtocolDouble* server_;
};

::vitrina::testing::TempDir* SimulateCliTest::dir_ = nullptr;
ClassicProtocolDouble* SimulateCliTest::server_ = nullptr;

int ClosedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

const Json& PolicyNamed(const Json& report, const std::string& name) {
  for (const Json& policy : report.at("policies")) {
    if (policy.at("policy").get<std::string>() == name) return policy;
  }
  ADD_FAILURE() << "no policy " << name;
  return report;
}

TEST_F(SimulateCliTest, RanksTheInterestPolicyAboveRandomWithSeparateIntervals) {
  const CommandResult run = Run(Http() + " --policies interest,random --sessions 300 --users 100 "
                                     "--concurrency 2 --seed 7 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  const Json report = ParseReport(run.out);
  ASSERT_FALSE(report.is_discarded()) << run.out;
  EXPECT_EQ(report.at("failed_calls").get<int64_t>(), 0);
  const Json& interest = PolicyNamed(report, "interest");
  const Json& random = PolicyNamed(report, "random");
  for (const Json* policy : {&interest, &random}) {
    EXPECT_EQ(policy->at("sessions").get<int64_t>(), 300);
    EXPECT_EQ(policy->at("failed").get<int64_t>(), 0);
    EXPECT_GE(policy->at("next_calls").get<int64_t>(), 300);
    EXPECT_GT(policy->at("next_p99_ms").get<double>(), 0);
    EXPECT_GE(policy->at("next_p99_ms").get<double>(), policy->at("next_p50_ms").get<double>());
  }
  const Json& good = interest.at("consumed_per_session");
  const Json& bad = random.at("consumed_per_session");
  EXPECT_GT(good.at("ci95_low").get<double>(), bad.at("ci95_high").get<double>())
      << "interest " << good.at("mean").get<double>() << ", random " << bad.at("mean").get<double>();
  EXPECT_GT(interest.at("titles_per_session").get<double>(), random.at("titles_per_session").get<double>());

  // The interest policy's replies name an arm: the sessions split between its two arms.
  const Json& arms = interest.at("arms");
  ASSERT_EQ(arms.size(), 2u);
  EXPECT_EQ(arms[0].at("arm").get<std::string>(), "even");
  EXPECT_EQ(arms[1].at("arm").get<std::string>(), "odd");
  EXPECT_EQ(arms[0].at("sessions").get<int64_t>() + arms[1].at("sessions").get<int64_t>(), 300);
  EXPECT_TRUE(random.at("arms").empty());
}

TEST_F(SimulateCliTest, TheSameSeedPlaysTheSameSessions) {
  const std::string arguments = Http() + " --policies interest --sessions 60 --users 30 --concurrency 3 --json";
  const CommandResult first = Run(arguments + " --seed 3");
  const CommandResult again = Run(arguments + " --seed 3");
  const CommandResult other = Run(arguments + " --seed 4");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(other.exit_code, 0) << other.err;
  auto consumed = [](const CommandResult& run) {
    const Json report = ParseReport(run.out);
    return !report.is_discarded() ? PolicyNamed(report, "interest").at("consumed_per_session").at("mean").get<double>() : -1;
  };
  EXPECT_EQ(consumed(first), consumed(again));
  EXPECT_NE(consumed(first), consumed(other));
}

TEST_F(SimulateCliTest, PrintsATableByDefault) {
  const CommandResult run = Run(Http() + " --policies interest --sessions 20 --users 10");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("95% t-interval, unit = session"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("interest"), std::string::npos);
  EXPECT_NE(run.out.find("parity=even"), std::string::npos);
}

TEST_F(SimulateCliTest, FailedCallsExitNonZeroWithTheCountAndTheFirstError) {
  CommandResult run = Run(Http() + " --policies random,broken --sessions 10 --users 5 --json");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("10 call(s) failed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("HTTP 500"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("policy broken failed"), std::string::npos) << run.err;
  const Json report = ParseReport(run.out);
  ASSERT_FALSE(report.is_discarded()) << run.out;
  EXPECT_EQ(PolicyNamed(report, "random").at("failed").get<int64_t>(), 0);
  EXPECT_EQ(PolicyNamed(report, "broken").at("failed").get<int64_t>(), 10);

  run = Run(Http() + " --policies floaty --sessions 2 --users 2");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("\"track\" is missing or not an integer"), std::string::npos) << run.err;

  run = Run(Http() + " --policies unknown --sessions 2 --users 2");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("987654321 is not in the catalog"), std::string::npos) << run.err;

  run = Run(Http() + " --policies nosuch --sessions 2 --users 2");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("HTTP 404"), std::string::npos) << run.err;
}

TEST_F(SimulateCliTest, StopsAtMaxSeconds) {
  const auto start = std::chrono::steady_clock::now();
  const CommandResult run = Run(Http() + " --policies slow --sessions 1000 --users 50 --max-seconds 0.5 --json");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--max-seconds 0.5 reached"), std::string::npos) << run.err;
  const Json report = ParseReport(run.out);
  ASSERT_FALSE(report.is_discarded()) << run.out;
  EXPECT_TRUE(report.at("time_limit_reached").get<bool>());
  EXPECT_GT(PolicyNamed(report, "slow").at("not_run").get<int64_t>(), 900);
}

TEST_F(SimulateCliTest, ConnectionRefusedIsAFailedCall) {
  // A port that was free a moment ago: nothing listens there.
  const int closed_port = ClosedLoopbackPort();
  ASSERT_GT(closed_port, 0);
  const CommandResult run = Run(fmt::format("--http 127.0.0.1:{} --sessions 3 --users 3", closed_port));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("3 call(s) failed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("POST /next/"), std::string::npos) << run.err;
}

TEST_F(SimulateCliTest, RefusesBadOptions) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--http 10.0.0.1:8080", "--http"},
      {"--http example.com:80", "--http"},
      {Http() + " --users 100000", "--users must be in [1, 200]"},
      {Http() + " --sessions 0", "--sessions"},
      {Http() + " --policies 'a b'", "--policies"},
      {Http() + " --policies a,'b?x=1'", "--policies"},
      {Http() + " --concurrency 0", "--concurrency"},
      {Http() + " --max-session-length 0", "--max-session-length"},
      {Http() + " --max-seconds 0", "--max-seconds"},
      {Http() + " --catalog /nonexistent/catalog.db", "--catalog /nonexistent/catalog.db"}};
  for (const auto& [arguments, message] : cases) {
    const CommandResult run = Run(arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_NE(run.err.find("vitrina-simulate: " + message), std::string::npos)
        << arguments << ": " << run.err;
  }
  const CommandResult run = Run("--http 192.168.0.1:80");
  EXPECT_NE(run.err.find("only loopback"), std::string::npos) << run.err;
}

TEST_F(SimulateCliTest, HelpNamesTheOptions) {
  const CommandResult run = Run("--help");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* option : {"--http", "--catalog", "--policies", "--sessions", "--users", "--seed",
                             "--concurrency", "--max-session-length", "--max-seconds", "--json"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace vitrina::simulation

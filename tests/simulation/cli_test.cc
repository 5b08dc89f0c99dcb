// Runs the real vitrina-simulate binary against an in-test server of the classic next-track
// protocol (a test double: the real server's /next is not needed to check the simulator).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
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
#include "simulation/json_value.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::simulation {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

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
    absl::StatusOr<JsonValue> body = ParseJsonValue(request.body);
    const JsonValue* track = body.ok() ? body->Find("track") : nullptr;
    const JsonValue* time = body.ok() ? body->Find("time") : nullptr;
    if (track == nullptr || track->kind != JsonValue::Kind::kInteger || time == nullptr ||
        time->number < 0 || time->number > 1) {
      response.status = 400;
      response.set_content(R"({"code": 3, "message": "bad body"})", "application/json");
      return;
    }
    std::lock_guard lock(mutex_);
    int64_t answer = 0;
    std::string extra;
    if (policy == "interest") {
      Session& session = sessions_[{policy, user}];
      if (session.genre.empty()) session.genre = Find(track->integer)->genres.front();
      session.answered.insert(track->integer);
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

  static RunResult Run(const std::string& arguments) {
    const std::string err_path = dir_->File("stderr.txt");
    // The test catalog unless the arguments name another.
    const std::string catalog = arguments.find("--catalog") == std::string::npos
                                    ? "--catalog " + dir_->File("catalog.db")
                                    : "";
    const std::string command = fmt::format("{}/vitrina-simulate {} {} 2>{}", VITRINA_BINARY_DIR,
                                            catalog, arguments, err_path);
    RunResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    return result;
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

const JsonValue& PolicyNamed(const JsonValue& report, const std::string& name) {
  for (const JsonValue& policy : report.Find("policies")->array) {
    if (policy.Find("policy")->string == name) return policy;
  }
  ADD_FAILURE() << "no policy " << name;
  return report;
}

TEST_F(SimulateCliTest, RanksTheInterestPolicyAboveRandomWithSeparateIntervals) {
  const RunResult run = Run(Http() + " --policies interest,random --sessions 300 --users 100 "
                                     "--concurrency 2 --seed 7 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  absl::StatusOr<JsonValue> report = ParseJsonValue(run.out);
  ASSERT_TRUE(report.ok()) << report.status().message() << "\n" << run.out;
  EXPECT_EQ(report->Find("failed_calls")->integer, 0);
  const JsonValue& interest = PolicyNamed(*report, "interest");
  const JsonValue& random = PolicyNamed(*report, "random");
  for (const JsonValue* policy : {&interest, &random}) {
    EXPECT_EQ(policy->Find("sessions")->integer, 300);
    EXPECT_EQ(policy->Find("failed")->integer, 0);
    EXPECT_GE(policy->Find("next_calls")->integer, 300);
    EXPECT_GT(policy->Find("next_p99_ms")->number, 0);
    EXPECT_GE(policy->Find("next_p99_ms")->number, policy->Find("next_p50_ms")->number);
  }
  const JsonValue& good = *interest.Find("consumed_per_session");
  const JsonValue& bad = *random.Find("consumed_per_session");
  EXPECT_GT(good.Find("ci95_low")->number, bad.Find("ci95_high")->number)
      << "interest " << good.Find("mean")->number << ", random " << bad.Find("mean")->number;
  EXPECT_GT(interest.Find("titles_per_session")->number, random.Find("titles_per_session")->number);

  // The interest policy's replies name an arm: the sessions split between its two arms.
  const std::vector<JsonValue>& arms = interest.Find("arms")->array;
  ASSERT_EQ(arms.size(), 2u);
  EXPECT_EQ(arms[0].Find("arm")->string, "even");
  EXPECT_EQ(arms[1].Find("arm")->string, "odd");
  EXPECT_EQ(arms[0].Find("sessions")->integer + arms[1].Find("sessions")->integer, 300);
  EXPECT_TRUE(random.Find("arms")->array.empty());
}

TEST_F(SimulateCliTest, TheSameSeedPlaysTheSameSessions) {
  const std::string arguments = Http() + " --policies interest --sessions 60 --users 30 --concurrency 3 --json";
  const RunResult first = Run(arguments + " --seed 3");
  const RunResult again = Run(arguments + " --seed 3");
  const RunResult other = Run(arguments + " --seed 4");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(other.exit_code, 0) << other.err;
  auto consumed = [](const RunResult& run) {
    absl::StatusOr<JsonValue> report = ParseJsonValue(run.out);
    return report.ok() ? PolicyNamed(*report, "interest").Find("consumed_per_session")->Find("mean")->number : -1;
  };
  EXPECT_EQ(consumed(first), consumed(again));
  EXPECT_NE(consumed(first), consumed(other));
}

TEST_F(SimulateCliTest, PrintsATableByDefault) {
  const RunResult run = Run(Http() + " --policies interest --sessions 20 --users 10");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("95% t-interval, unit = session"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("interest"), std::string::npos);
  EXPECT_NE(run.out.find("parity=even"), std::string::npos);
}

TEST_F(SimulateCliTest, FailedCallsExitNonZeroWithTheCountAndTheFirstError) {
  RunResult run = Run(Http() + " --policies random,broken --sessions 10 --users 5 --json");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("10 call(s) failed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("HTTP 500"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("policy broken failed"), std::string::npos) << run.err;
  absl::StatusOr<JsonValue> report = ParseJsonValue(run.out);
  ASSERT_TRUE(report.ok()) << run.out;
  EXPECT_EQ(PolicyNamed(*report, "random").Find("failed")->integer, 0);
  EXPECT_EQ(PolicyNamed(*report, "broken").Find("failed")->integer, 10);

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
  const RunResult run = Run(Http() + " --policies slow --sessions 1000 --users 50 --max-seconds 0.5 --json");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--max-seconds 0.5 reached"), std::string::npos) << run.err;
  absl::StatusOr<JsonValue> report = ParseJsonValue(run.out);
  ASSERT_TRUE(report.ok()) << run.out;
  EXPECT_TRUE(report->Find("time_limit_reached")->boolean);
  EXPECT_GT(PolicyNamed(*report, "slow").Find("not_run")->integer, 900);
}

TEST_F(SimulateCliTest, ConnectionRefusedIsAFailedCall) {
  // A port that was free a moment ago: nothing listens there.
  const int closed_port = ClosedLoopbackPort();
  ASSERT_GT(closed_port, 0);
  const RunResult run = Run(fmt::format("--http 127.0.0.1:{} --sessions 3 --users 3", closed_port));
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
    const RunResult run = Run(arguments);
    EXPECT_EQ(run.exit_code, 2) << arguments << ": " << run.err;
    EXPECT_NE(run.err.find("vitrina-simulate: " + message), std::string::npos)
        << arguments << ": " << run.err;
  }
  const RunResult run = Run("--http 192.168.0.1:80");
  EXPECT_NE(run.err.find("only loopback"), std::string::npos) << run.err;
}

TEST_F(SimulateCliTest, HelpNamesTheOptions) {
  const RunResult run = Run("--help");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* option : {"--http", "--catalog", "--policies", "--sessions", "--users", "--seed",
                             "--concurrency", "--max-session-length", "--max-seconds", "--json"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace vitrina::simulation

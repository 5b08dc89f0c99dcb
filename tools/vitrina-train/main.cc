// vitrina-train: trains a model on an interactions file, optionally evaluates it on a test file or
// a random split, and writes the model file. See --help.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"
#include "trainer/evaluation.h"
#include "trainer/model.h"
#include "trainer/model_file.h"
#include "trainer/train_test_set.h"
#include "trainer/triplet_file.h"
#include "tools/vitrina-train/search_command.h"
#include "tools/vitrina-train/train_flags.h"

namespace {

using vitrina::tools::TrainFlags;
using vitrina::trainer::Hyperparameters;

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

absl::Status Run(TrainFlags& flags) {
  namespace trainer = vitrina::trainer;
  ASSIGN_OR_RETURN(flags.hyperparameters.loss, trainer::ParseLoss(flags.loss));
  ASSIGN_OR_RETURN(flags.hyperparameters.learning_schedule,
                   trainer::ParseLearningSchedule(flags.learning_schedule));
  RETURN_IF_ERROR(flags.hyperparameters.Validate());
  if (flags.k <= 0)
    return absl::InvalidArgumentError(fmt::format("--k must be > 0 (got {})", flags.k));
  if (flags.search) return vitrina::tools::RunSearchCommand(flags);
  const bool evaluate = !flags.test_path.empty() || flags.test_fraction.has_value();
  if (flags.metrics_json && !evaluate) {
    return absl::InvalidArgumentError("--metrics-json needs --test or --test-fraction");
  }

  ASSIGN_OR_RETURN(const std::vector<trainer::TripletRow> train_rows,
                   trainer::ReadTripletFile(flags.train_path));
  std::vector<trainer::TripletRow> test_rows;
  if (!flags.test_path.empty()) {
    ASSIGN_OR_RETURN(test_rows, trainer::ReadTripletFile(flags.test_path));
  }
  ASSIGN_OR_RETURN(trainer::TrainTestSet data,
                   trainer::BuildTrainTestSet(
                       train_rows, test_rows,
                       {.min_rating = flags.min_rating, .value_is_weight = flags.weights}));
  if (flags.test_fraction) {
    ASSIGN_OR_RETURN(std::tie(data.train, data.test),
                     trainer::RandomTrainTestSplit(data.train, *flags.test_fraction,
                                                   flags.hyperparameters.random_state));
  }
  if (data.train.size() == 0)
    return absl::InvalidArgumentError("no training interactions left after filtering");

  ASSIGN_OR_RETURN(trainer::Model model, trainer::Model::Create(flags.hyperparameters));
  std::vector<double> epoch_seconds;
  trainer::FitOptions options{.epochs = flags.epochs,
                              .threads = flags.threads,
                              .on_epoch = [&](const trainer::EpochReport& report) {
                                epoch_seconds.push_back(report.seconds);
                                return true;
                              }};
  RETURN_IF_ERROR(model.Fit(data.dataset, data.train, options));
  double train_seconds = 0;
  for (double s : epoch_seconds) train_seconds += s;

  if (!flags.output.empty()) {
    ASSIGN_OR_RETURN(const trainer::ModelFileInfo info, trainer::SaveModel(model, flags.output));
    spdlog::info("wrote {} ({} bytes, crc32 {})", flags.output, info.size_bytes, info.checksum_hex);
  }
  if (!evaluate) return absl::OkStatus();

  const trainer::CsrMatrix train = data.train.ToCsr();
  const trainer::CsrMatrix test = data.test.ToCsr();
  ASSIGN_OR_RETURN(
      const trainer::EvaluationSummary summary,
      trainer::Evaluate(model, test, {.k = flags.k, .train = &train, .threads = flags.threads}));
  const double seconds_per_epoch = Median(epoch_seconds);
  if (flags.metrics_json) {
    fmt::print(
        "{{\"precision_at_k\": {:.6f}, \"recall_at_k\": {:.6f}, \"auc\": {:.6f}, "
        "\"reciprocal_rank\": {:.6f}, "
        "\"k\": {}, \"epochs\": {}, \"train_seconds\": {:.6f}, \"seconds_per_epoch\": {:.6f}, "
        "\"n_users\": {}, \"n_items\": {}, \"n_train\": {}, \"n_test\": {}}}\n",
        summary.precision_at_k, summary.recall_at_k, summary.auc, summary.reciprocal_rank, flags.k,
        flags.epochs, train_seconds, seconds_per_epoch, model.n_users(), model.n_items(),
        data.train.size(), data.test.size());
  } else {
    fmt::print("P@{k} {:.4f}  R@{k} {:.4f}  AUC {:.4f}  RR {:.4f}  ({} users evaluated)\n",
               summary.precision_at_k, summary.recall_at_k, summary.auc, summary.reciprocal_rank,
               summary.users, fmt::arg("k", flags.k));
    fmt::print(
        "{} epochs in {:.3f} s, median {:.4f} s/epoch; {} users, {} items, {} train, {} test\n",
        flags.epochs, train_seconds, seconds_per_epoch, model.n_users(), model.n_items(),
        data.train.size(), data.test.size());
  }
  return absl::OkStatus();
}

void AddSearchOptions(CLI::App& app, TrainFlags& flags) {
  app.add_flag("--search", flags.search,
               "search the hyperparameters instead of training the given ones: successive halving "
               "over quasi-random samples (each rung keeps the best 1/eta trials and trains them eta "
               "times as many epochs, continuing the same model), scored on a validation split "
               "carved per user from --train; prints every trial, then trains the winner on all of "
               "--train and evaluates it once on the test data. --loss, --no-components, "
               "--learning-rate, --item-alpha, --user-alpha, --max-sampled and --epochs are then "
               "chosen by the search; --seed seeds it, --threads trains that many trials at once");
  app.add_option("--search-trials", flags.search_trials, "--search: trials sampled")
      ->capture_default_str();
  app.add_option("--search-seconds", flags.search_seconds,
                 "--search: wall-time budget of the whole run, the winner's refit included: no "
                 "trial starts a rung unless it, the rungs it commits to and the refit are "
                 "expected (from the epoch costs measured so far) to end within it; the first "
                 "trial always runs");
  app.add_option("--search-metric", flags.search_metric,
                 "--search: what the validation split scores: precision@k, recall@k, auc or mrr "
                 "(k is --k)")
      ->capture_default_str();
  app.add_option("--search-losses", flags.search_losses, "--search: losses to try")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--search-components", flags.search_components,
                 "--search: MIN MAX no_components (log-uniform)")
      ->expected(2)
      ->capture_default_str();
  app.add_option("--search-epochs", flags.search_epochs,
                 "--search: MIN MAX epochs: the first and last rung (the rungs in between are "
                 "eta times apart)")
      ->expected(2)
      ->capture_default_str();
  app.add_option("--search-learning-rate", flags.search_learning_rate,
                 "--search: MIN MAX learning rate (log-uniform; default per loss: 0.03-0.08 for "
                 "warp and warp-kos, 0.01-0.2 for bpr and logistic)")
      ->expected(2);
  app.add_option("--search-alpha", flags.search_alpha,
                 "--search: MIN MAX of item_alpha and user_alpha when not 0 (log-uniform)")
      ->expected(2)
      ->capture_default_str();
  app.add_option("--search-zero-alpha", flags.search_zero_alpha,
                 "--search: probability that each alpha is 0")
      ->capture_default_str();
  app.add_option("--search-max-sampled", flags.search_max_sampled,
                 "--search: MIN MAX max_sampled for warp and warp-kos (log-uniform)")
      ->expected(2)
      ->capture_default_str();
  app.add_option("--search-eta", flags.search_eta, "--search: halving rate between rungs")
      ->capture_default_str();
  app.add_option("--search-validation-fraction", flags.search_validation_fraction,
                 "--search: share of each user's training positives held out for validation (at most --k "
                 "per user)")
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  // stdout carries only results (one JSON object with --metrics-json); logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("vitrina-train"));

  TrainFlags flags;
  Hyperparameters& hp = flags.hyperparameters;
  CLI::App app{
      "Trains a LightFM-style hybrid matrix factorisation model (LightFM's hyperparameter names)."};
  app.add_option("--train", flags.train_path,
                 "interactions file: 'user item [value] [...]', tab/comma/space")
      ->required();
  app.add_option("--test", flags.test_path, "test interactions file (same format)");
  app.add_option("--test-fraction", flags.test_fraction,
                 "split this fraction of --train off as the test set")
      ->excludes("--test");
  app.add_option("--min-rating", flags.min_rating, "keep rows with value >= this as positives");
  app.add_flag("--weights", flags.weights, "use the value column as the sample weight");
  app.add_option("--no-components", hp.no_components, "latent dimensionality")
      ->capture_default_str();
  app.add_option("--loss", flags.loss, "logistic, bpr, warp or warp-kos")->capture_default_str();
  app.add_option("--learning-schedule", flags.learning_schedule, "adagrad or adadelta")
      ->capture_default_str();
  app.add_option("--learning-rate", hp.learning_rate, "adagrad initial learning rate")
      ->capture_default_str();
  app.add_option("--rho", hp.rho, "adadelta moving-average coefficient")->capture_default_str();
  app.add_option("--epsilon", hp.epsilon, "adadelta conditioning term")->capture_default_str();
  app.add_option("--item-alpha", hp.item_alpha, "L2 penalty on item features")
      ->capture_default_str();
  app.add_option("--user-alpha", hp.user_alpha, "L2 penalty on user features")
      ->capture_default_str();
  app.add_option("--max-sampled", hp.max_sampled, "WARP: negatives tried per positive")
      ->capture_default_str();
  app.add_option("--kos-k", hp.k, "k-OS: use the k-th of the sampled positives (LightFM's k)")
      ->capture_default_str();
  app.add_option("--kos-n", hp.n, "k-OS: positives sampled per update (LightFM's n)")
      ->capture_default_str();
  app.add_option("--seed", hp.random_state, "random_state")->capture_default_str();
  app.add_option("--epochs", flags.epochs, "training epochs")->capture_default_str();
  app.add_option("--threads", flags.threads, "training and evaluation threads")
      ->capture_default_str();
  app.add_option("--k", flags.k, "cut-off of precision@k and recall@k")->capture_default_str();
  app.add_option("--output", flags.output, "write the model file here");
  app.add_flag("--metrics-json", flags.metrics_json,
               "print the metrics as one JSON object on stdout");
  AddSearchOptions(app, flags);
  CLI11_PARSE(app, argc, argv);

  const absl::Status status = Run(flags);
  if (!status.ok()) {
    fmt::print(stderr, "vitrina-train: {}\n", std::string(status.message()));
    return 1;
  }
  return 0;
}

#include "trainer/loss.h"

namespace vitrina::trainer {

std::unique_ptr<Loss> MakeLoss(const Hyperparameters& hyperparameters) {
  switch (hyperparameters.loss) {
    case LossKind::kLogistic:
      return MakeLogisticLoss(hyperparameters);
    case LossKind::kBpr:
      return MakeBprLoss(hyperparameters);
    case LossKind::kWarp:
      return MakeWarpLoss(hyperparameters);
    case LossKind::kWarpKos:
      return MakeWarpKosLoss(hyperparameters);
  }
  return MakeLogisticLoss(hyperparameters);
}

}  // namespace vitrina::trainer

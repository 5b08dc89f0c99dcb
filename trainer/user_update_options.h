#pragma once

namespace vitrina::trainer {

// How a user's vector follows what they just consumed, between trainings (see UpdatedUserRow in
// trainer/user_update.h). Apart from it so that configs include no Eigen.
struct UserUpdateOptions {
  int epochs = 10;               // passes over the positives
  int negatives = 4;             // titles sampled against each positive in each pass
  float learning_rate = 0.2f;    // plain SGD: a handful of steps, no schedule state to keep
  float regularization = 0.02f;  // pulls the vector back towards its prior (the trained one)

  friend bool operator==(const UserUpdateOptions&, const UserUpdateOptions&) = default;
};

}  // namespace vitrina::trainer

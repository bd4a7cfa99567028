#include "inovasi/submission.hpp"
#include <gtest/gtest.h>

#include "inovasi/edition.hpp"
#include <gtest/gtest.h>

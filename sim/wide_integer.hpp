#pragma once
// 128-bit integers for exact products of two 64-bit values (Lemire's
// method, ratio comparison, clock scaling). A GCC and Clang extension.

namespace sim {

__extension__ typedef unsigned __int128 uint128;
__extension__ typedef __int128 int128;

}  // namespace sim

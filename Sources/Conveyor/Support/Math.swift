#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `pow` without making every file that needs it import the C library.
func Foundation_pow(_ base: Double, _ exponent: Double) -> Double { pow(base, exponent) }

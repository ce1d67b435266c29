package org.broomstick.stingygen;

import java.nio.file.Path;

/**
 * The knobs of one stingygen run (SPEC §6 and §8). Null means "take it from the machine or the
 * report": {@code cacheBytes}/{@code lineBytes} from {@code /sys}, {@code stackBytes} from the
 * report's stack summary, {@code globalThreshold} from the report's own classification.
 *
 * @param sysCpuCache where the cache geometry is read ({@code /sys/devices/system/cpu/cpu0/cache})
 * @param solverSeconds wall-clock limit of CP-SAT; past it, the best solution so far or the greedy
 *     fallback
 * @param workers CP-SAT search workers: 1 (the default) is reproducible run to run; on this
 *     project's two-core machines two workers were no faster (bench/stingygen-sizing.md)
 * @param serviceMicros assumed service time of one task, for the Little's-law line of the map
 * @param roundTripMicros assumed network round trip of one task, for the same line
 */
public record StingygenOptions(
    Long cacheBytes,
    Integer lineBytes,
    Long stackBytes,
    Long globalThreshold,
    double solverSeconds,
    boolean strict,
    int workers,
    Path sysCpuCache,
    double serviceMicros,
    double roundTripMicros) {

  public static final Path SYS_CPU0_CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");

  /** Machine cache, report stack and globals, 10 s of solver time, one worker. */
  public static StingygenOptions defaults() {
    return new StingygenOptions(null, null, null, null, 10.0, false, 1, SYS_CPU0_CACHE, 50.0, 100.0);
  }

  public StingygenOptions withCache(Long bytes, Integer line) {
    return new StingygenOptions(
        bytes, line, stackBytes, globalThreshold, solverSeconds, strict, workers, sysCpuCache,
        serviceMicros, roundTripMicros);
  }

  public StingygenOptions withStackBytes(Long bytes) {
    return new StingygenOptions(
        cacheBytes, lineBytes, bytes, globalThreshold, solverSeconds, strict, workers, sysCpuCache,
        serviceMicros, roundTripMicros);
  }

  public StingygenOptions withGlobalThreshold(Long bytes) {
    return new StingygenOptions(
        cacheBytes, lineBytes, stackBytes, bytes, solverSeconds, strict, workers, sysCpuCache,
        serviceMicros, roundTripMicros);
  }

  public StingygenOptions withSolver(double seconds, int workerCount) {
    return new StingygenOptions(
        cacheBytes, lineBytes, stackBytes, globalThreshold, seconds, strict, workerCount,
        sysCpuCache, serviceMicros, roundTripMicros);
  }

  public StingygenOptions withStrict(boolean on) {
    return new StingygenOptions(
        cacheBytes, lineBytes, stackBytes, globalThreshold, solverSeconds, on, workers, sysCpuCache,
        serviceMicros, roundTripMicros);
  }

  public StingygenOptions withSysCpuCache(Path dir) {
    return new StingygenOptions(
        cacheBytes, lineBytes, stackBytes, globalThreshold, solverSeconds, strict, workers, dir,
        serviceMicros, roundTripMicros);
  }

  public StingygenOptions withLittle(double service, double roundTrip) {
    return new StingygenOptions(
        cacheBytes, lineBytes, stackBytes, globalThreshold, solverSeconds, strict, workers,
        sysCpuCache, service, roundTrip);
  }
}

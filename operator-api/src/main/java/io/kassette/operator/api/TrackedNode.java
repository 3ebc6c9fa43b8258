package io.kassette.operator.api;

/**
 * What the operator tracks of every node it drives, backup or restore: its pod, the sidecar
 * operation it runs, and its failures and retries. One retry policy serves both.
 */
public interface TrackedNode {
  String getPod();

  String getHostId();

  String getAddress();

  void setAddress(String address);

  String getOperation();

  void setOperation(String operation);

  Integer getFailures();

  void setFailures(Integer failures);

  Integer getCountedAttempts();

  void setCountedAttempts(Integer attempts);

  String getNextAttemptTime();

  void setNextAttemptTime(String time);

  String getError();

  void setError(String error);

  String getNotReadySince();

  void setNotReadySince(String time);

  Double getRateLimitMiBps();

  void setRateLimitMiBps(Double mibPerSecond);
}

package dev.slipway.engine.capacity;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;

/**
 * The relaxation of bin packing that keeps each instance type's resources together: choose how
 * many pods of each shape go to each type ({@code x[s][t]}, fractional) and how many nodes of each
 * type to buy ({@code n[t]}, fractional), so that every type's nodes have the CPU, memory and pod
 * slots for the pods sent to it, at least cost. Any real packing is such a choice with whole
 * numbers, so the optimum is a lower bound on its cost; its {@code x} is also the mix of types
 * the packer aims for. Unlike the aggregate relaxation it cannot put a pod's CPU on one type
 * and its memory on another.
 */
final class ShapeLp {

  /** A pod shape and how many pods have it. */
  record Demand(long cpu, long mem, long count) {}

  /** A type's net room after DaemonSets and its price per hour. */
  record Supply(double cpu, double mem, double pods, double price) {}

  /** The optimum and the assignment of each shape to each type. */
  record Solution(double cost, double[][] assignment) {}

  private ShapeLp() {}

  /** Solves the relaxation, or returns null when the solver cannot (the caller falls back). */
  static Solution solve(List<Demand> shapes, List<Supply> types) {
    int s = shapes.size();
    int t = types.size();
    if (s == 0 || t == 0) {
      return null;
    }
    int vars = s * t + t;
    double[] objective = new double[vars];
    for (int j = 0; j < t; j++) {
      objective[s * t + j] = types.get(j).price();
    }
    List<LinearConstraint> constraints = new ArrayList<>();
    for (int i = 0; i < s; i++) {
      double[] row = new double[vars];
      boolean fitsSomewhere = false;
      for (int j = 0; j < t; j++) {
        if (fits(shapes.get(i), types.get(j))) {
          row[i * t + j] = 1;
          fitsSomewhere = true;
        }
      }
      if (!fitsSomewhere) {
        return null;
      }
      constraints.add(new LinearConstraint(row, Relationship.EQ, shapes.get(i).count()));
    }
    for (int j = 0; j < t; j++) {
      Supply sup = types.get(j);
      double[] cap = {sup.cpu(), sup.mem(), sup.pods()};
      for (int d = 0; d < 3; d++) {
        double[] row = new double[vars];
        for (int i = 0; i < s; i++) {
          Demand dem = shapes.get(i);
          row[i * t + j] = d == 0 ? dem.cpu() : d == 1 ? dem.mem() : 1;
        }
        row[s * t + j] = -cap[d];
        constraints.add(new LinearConstraint(row, Relationship.LEQ, 0));
      }
    }
    // Whole pods: a node of type j holds at most k whole pods of shape i, so x[i][j] <= k n[j]. The
    // cut matters where k is small (one 1-CPU pod per 2-vCPU node); for large k it costs solver
    // time for little gain, so it is added only up to MAX_CUT_K.
    for (int i = 0; i < s; i++) {
      for (int j = 0; j < t; j++) {
        long k = perNode(shapes.get(i), types.get(j));
        if (k >= 1 && k <= MAX_CUT_K) {
          double[] row = new double[vars];
          row[i * t + j] = 1;
          row[s * t + j] = -k;
          constraints.add(new LinearConstraint(row, Relationship.LEQ, 0));
        }
      }
    }
    // Large pods exclude each other. For a unit u, every real node satisfies
    // sum floor(request/u) <= floor(sum request/u) <= floor(room/u) (a Chvatal-Gomory cut); with u
    // just over a half, a third or a quarter of the room it says "at most 1, 2 or 3 pods larger than
    // that", which the fractional relaxation otherwise ignores.
    for (int j = 0; j < t; j++) {
      Supply sup = types.get(j);
      for (int d = 0; d < 2; d++) {
        double room = d == 0 ? sup.cpu() : sup.mem();
        for (int parts = 2; parts <= 4; parts++) {
          double unit = Math.floor(room / parts) + 1;
          double[] row = new double[vars];
          boolean useful = false;
          for (int i = 0; i < s; i++) {
            Demand dem = shapes.get(i);
            double size = d == 0 ? dem.cpu() : dem.mem();
            double coefficient = fits(dem, sup) ? Math.floor(size / unit) : 0;
            row[i * t + j] = coefficient;
            useful |= coefficient > 0;
          }
          if (useful) {
            row[s * t + j] = -Math.floor(room / unit);
            constraints.add(new LinearConstraint(row, Relationship.LEQ, 0));
          }
        }
      }
    }
    try {
      PointValuePair p = new SimplexSolver().optimize(new MaxIter(200_000), new LinearObjectiveFunction(objective, 0),
          new LinearConstraintSet(constraints), GoalType.MINIMIZE, new NonNegativeConstraint(true));
      double[] x = p.getPoint();
      double[][] assignment = new double[s][t];
      for (int i = 0; i < s; i++) {
        for (int j = 0; j < t; j++) {
          // Shapes that do not fit a type have no coefficient there, so the solver leaves them at 0.
          assignment[i][j] = fits(shapes.get(i), types.get(j)) ? Math.max(0, x[i * t + j]) : 0;
        }
      }
      return new Solution(p.getValue(), assignment);
    } catch (MathIllegalStateException e) {
      return null;
    }
  }

  static final long MAX_CUT_K = 16;

  /** Whole pods of shape {@code d} one node of {@code s} holds. */
  static long perNode(Demand d, Supply s) {
    double k = s.pods();
    if (d.cpu() > 0) {
      k = Math.min(k, Math.floor(s.cpu() / d.cpu()));
    }
    if (d.mem() > 0) {
      k = Math.min(k, Math.floor(s.mem() / d.mem()));
    }
    return (long) k;
  }

  static boolean fits(Demand d, Supply s) {
    return d.cpu() <= s.cpu() && d.mem() <= s.mem() && s.pods() >= 1;
  }
}

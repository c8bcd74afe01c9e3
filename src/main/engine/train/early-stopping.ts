// Early stopping on validation loss, shared by the CNN and head trainers: remembers the weights of the best
// epoch so they can be put back when training stops after `patience` epochs without improvement.
import tf from '../tfjs.cjs';

export class EarlyStopping {
  private best = Infinity;
  private bestWeights: tf.Tensor[] | null = null;
  private sinceBest = 0;

  constructor(private readonly patience: number) {}

  /** Records an epoch's validation loss; true when training should stop. */
  shouldStop(model: tf.LayersModel, valLoss: number): boolean {
    if (valLoss < this.best - 1e-6) {
      this.best = valLoss;
      this.sinceBest = 0;
      this.bestWeights?.forEach((t) => t.dispose());
      this.bestWeights = model.getWeights().map((w) => w.clone());
      return false;
    }
    return ++this.sinceBest >= this.patience;
  }

  /** Puts the best epoch's weights back (no-op when no epoch was recorded). */
  restoreBest(model: tf.LayersModel): void {
    if (this.bestWeights) model.setWeights(this.bestWeights);
  }

  dispose(): void {
    this.bestWeights?.forEach((t) => t.dispose());
    this.bestWeights = null;
  }
}

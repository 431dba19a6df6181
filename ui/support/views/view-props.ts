/** What every support-page view receives: the current model and the controller's actions. */
import type { SupportController } from '../support-controller';
import type { SupportModel } from '../support-model';

export interface ViewProps {
  model: SupportModel;
  actions: SupportController;
}

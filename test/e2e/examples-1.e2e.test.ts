// The examples, part 1 of 2 (see examples.ts): mocha runs the parts side by side.
import { describeExamples } from './examples';

describeExamples(0, 2);

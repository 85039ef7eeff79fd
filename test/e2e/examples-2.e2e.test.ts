// The examples, part 2 of 2 (see examples.ts): mocha runs the parts side by side.
import { describeExamples } from './examples';

describeExamples(1, 2);
